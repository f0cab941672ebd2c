import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { packageFiles, packageRootOf } from './package-files.js';

const root = packageRootOf(fileURLToPath(import.meta.url));

describe('packageFiles', () => {
  it("takes an installation's runtime files and production packages, not dev ones or other platforms' binaries", () => {
    // An installation beside this checkout: its lock file and node_modules, a build of its own.
    const installed = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-pkg-'));
    for (const file of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(root, file), path.join(installed, file));
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(installed, 'node_modules'));
    fs.mkdirSync(path.join(installed, 'dist/cli'), { recursive: true });
    fs.writeFileSync(path.join(installed, 'dist/cli/main.js'), '');
    fs.mkdirSync(path.join(installed, 'spec/openlineage'), { recursive: true });
    fs.mkdirSync(path.join(installed, 'spec/kubernetes'), { recursive: true });
    const files = packageFiles(installed);
    expect(files.include).toEqual(expect.arrayContaining(['package.json', 'dist', 'spec/openlineage', 'node_modules/kysely', 'node_modules/better-sqlite3', 'node_modules/@aws-sdk/client-s3']));
    for (const dev of ['node_modules/vitest', 'node_modules/typescript', 'node_modules/esbuild', 'node_modules/dockerfile-ast', 'spec/kubernetes', 'package-lock.json']) expect(files.include).not.toContain(dev);
    expect(files.skip('node_modules/onnxruntime-node/bin/napi-v6/win32')).toBe(true);
    expect(files.skip('node_modules/onnxruntime-node/bin/napi-v6/linux/arm64')).toBe(true);
    expect(files.skip('node_modules/onnxruntime-node/bin/napi-v6/linux/x64')).toBe(false);
    expect(files.skip('node_modules/better-sqlite3/build/Release/better_sqlite3.node')).toBe(false);
  });

  it('refuses a package without a build, naming the command that makes one', () => {
    const bare = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-pkg-'));
    fs.writeFileSync(path.join(bare, 'package.json'), JSON.stringify({ name: 'threadline', version: '0.0.0' }));
    expect(() => packageFiles(bare)).toThrow(/has no build \(dist\/cli\/main\.js\): run `npm run build` first/);
    expect(packageRootOf(path.join(bare, 'dist/cli/main.js'))).toBe(bare);
  });
});
