import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { writeLayer, type LayerEntry } from './layer.js';
import { OciLayout } from './layout.js';

async function layout(): Promise<OciLayout> {
  const l = new OciLayout(fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-layout-')));
  await l.init();
  return l;
}

function file(p: string, text: string): LayerEntry {
  const bytes = Buffer.from(text);
  return { type: 'file', path: p, size: bytes.length, open: async () => Readable.from([bytes]) };
}

describe('writeLayer', () => {
  it('gives the same digest for the same files whatever their order, and a diff id over the plain tar', async () => {
    const entries = [{ type: 'directory' as const, path: 'model' }, file('model/b.txt', 'bee'), file('model/a.txt', 'a'.repeat(100_000))];
    const one = await writeLayer(await layout(), entries, 1_700_000_000);
    const l2 = await layout();
    const two = await writeLayer(l2, [...entries].reverse(), 1_700_000_000);
    expect(two).toEqual(one);
    const gz = fs.readFileSync(l2.blobPath(two.descriptor.digest));
    expect(gz.length).toBe(two.descriptor.size);
    expect(`sha256:${createHash('sha256').update(gz).digest('hex')}`).toBe(two.descriptor.digest);
    const plain = gunzipSync(gz);
    expect(`sha256:${createHash('sha256').update(plain).digest('hex')}`).toBe(two.diffId);
    // ustar: sorted names, uid/gid 0, the fixed mtime.
    const names = [0, 512, 512 + 512 + 100_352].map((at) => plain.subarray(at, at + 100).toString('utf8').replace(/\0.*$/s, ''));
    expect(names).toEqual(['model/', 'model/a.txt', 'model/b.txt']);
    expect(parseInt(plain.subarray(512 + 136, 512 + 147).toString(), 8)).toBe(1_700_000_000);
  });

  it('changes with the mtime or a byte of a file', async () => {
    const base = await writeLayer(await layout(), [file('x', 'one')], 1);
    expect((await writeLayer(await layout(), [file('x', 'one')], 2)).descriptor.digest).not.toBe(base.descriptor.digest);
    expect((await writeLayer(await layout(), [file('x', 'onf')], 1)).descriptor.digest).not.toBe(base.descriptor.digest);
  });
});
