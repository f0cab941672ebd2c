import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderEntries } from './folder-layer.js';
import { writeLayer } from './layer.js';
import { OciLayout } from './layout.js';

function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

describe('folderEntries into writeLayer', () => {
  it('keeps files, modes, symbolic and hard links, leaves out what it is told to, and GNU tar unpacks the same tree', async () => {
    const root = tempDir('threadline-folder-');
    fs.mkdirSync(path.join(root, 'bin'));
    fs.writeFileSync(path.join(root, 'bin/tool'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
    fs.linkSync(path.join(root, 'bin/tool'), path.join(root, 'bin/tool-again'));
    fs.symlinkSync('tool', path.join(root, 'bin/alias'));
    fs.mkdirSync(path.join(root, 'cache'));
    fs.writeFileSync(path.join(root, 'cache/big.deb'), 'x'.repeat(1000));
    fs.writeFileSync(path.join(root, 'secret-free.txt'), 'plain', { mode: 0o600 });

    const entries = folderEntries(root, { into: 'opt/app', skip: (relative) => relative.startsWith('cache/') });
    expect(entries.map((e) => [e.type, e.path])).toEqual([
      ['directory', 'opt/app/bin'],
      ['symlink', 'opt/app/bin/alias'],
      ['file', 'opt/app/bin/tool'],
      ['link', 'opt/app/bin/tool-again'],
      ['directory', 'opt/app/cache'],
      ['file', 'opt/app/secret-free.txt'],
    ]);

    const layout = new OciLayout(tempDir('threadline-layout-'));
    await layout.init();
    const layer = await writeLayer(layout, entries, 1_700_000_000, { level: 1 });
    const out = tempDir('threadline-unpacked-');
    execFileSync('tar', ['-xzf', layout.blobPath(layer.descriptor.digest), '-C', out]);
    const app = path.join(out, 'opt/app');
    expect(fs.readlinkSync(path.join(app, 'bin/alias'))).toBe('tool');
    expect(fs.statSync(path.join(app, 'bin/tool')).mode & 0o777).toBe(0o755);
    expect(fs.statSync(path.join(app, 'bin/tool-again')).ino).toBe(fs.statSync(path.join(app, 'bin/tool')).ino);
    expect(fs.statSync(path.join(app, 'secret-free.txt')).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.join(app, 'cache'))).toEqual([]);
    expect(fs.readFileSync(path.join(app, 'bin/tool-again'), 'utf8')).toBe('#!/bin/sh\necho hi\n');
  });
});
