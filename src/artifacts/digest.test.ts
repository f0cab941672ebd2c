import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, expect, test } from 'vitest';
import { hashStream, isDigest, parseDigest, readFileChunks, sha256Bytes, sha256File } from './digest.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-digest-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const hex = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

test('sha256File matches node crypto across chunk boundaries and on an empty file', async () => {
  for (const size of [0, 1, 1024 * 1024, 2 * 1024 * 1024 + 3]) {
    const file = path.join(dir, `f${size}`);
    const content = randomBytes(size);
    fs.writeFileSync(file, content);
    expect(await sha256File(file)).toEqual({ digest: `sha256:${hex(content)}`, size });
  }
});

test('sha256File of a missing file rejects with ENOENT', async () => {
  await expect(sha256File(path.join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
});

test('readFileChunks yields the file in order and can be abandoned early', async () => {
  const file = path.join(dir, 'chunks');
  const content = randomBytes(10_000);
  fs.writeFileSync(file, content);
  const seen: Buffer[] = [];
  for await (const chunk of readFileChunks(file, 4096)) seen.push(Buffer.from(chunk)); // copy: buffers are reused
  expect(seen.map((c) => c.length)).toEqual([4096, 4096, 1808]);
  expect(Buffer.concat(seen).equals(content)).toBe(true);
  for await (const chunk of readFileChunks(file, 4096)) {
    expect(chunk.length).toBe(4096);
    break; // the generator's finally must close the handle without an unhandled rejection
  }
});

test('hashStream accepts Node streams, string chunks and async iterables, and sees every chunk', async () => {
  const seen: number[] = [];
  const info = await hashStream(Readable.from(['ab', Buffer.from('cd')]), (chunk) => seen.push(chunk.byteLength));
  expect(info).toEqual({ digest: `sha256:${hex(Buffer.from('abcd'))}`, size: 4 });
  expect(seen).toEqual([2, 2]);
  expect(sha256Bytes('abcd')).toEqual(info);
});

test('isDigest and parseDigest accept only sha256:<64 lowercase hex>', () => {
  const good = `sha256:${'0123456789abcdef'.repeat(4)}`;
  expect(isDigest(good)).toBe(true);
  expect(parseDigest(good)).toEqual({ algorithm: 'sha256', hex: '0123456789abcdef'.repeat(4) });
  for (const bad of ['', good.toUpperCase(), good.slice(0, -1), `${good}0`, `md5:${'a'.repeat(64)}`, ` ${good}`, `${good}\n`]) {
    expect(isDigest(bad)).toBe(false);
    expect(() => parseDigest(bad)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  }
  expect(isDigest(42)).toBe(false);
});
