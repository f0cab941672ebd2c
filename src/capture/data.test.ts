import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Of } from './canonical.js';
import { captureData } from './data.js';

let dir: string;

function put(rel: string, content: string | Buffer): string {
  const file = path.join(dir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

function sha256sum(file: string): string {
  return `sha256:${execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0]}`;
}

beforeAll(async () => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-data-test-')));
  put('orders.csv', 'order_id,user_id,amount\n1,10,9.5\n2,11,3.25\n3,10,7\n');
  put('events.jsonl', '{"user":"a","clicks":3,"ok":true}\n{"user":"b","clicks":5,"ok":false}\n');
  // Parquet written by DuckDB itself; the path goes in as a string literal we control.
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const target = path.join(dir, 'parts/part-0.parquet').replace(/'/g, "''");
  fs.mkdirSync(path.join(dir, 'parts'));
  await connection.run(
    `COPY (SELECT i::INTEGER AS id, (i * 1.5)::DOUBLE AS score, 'u' || i AS name FROM range(1000) t(i)) TO '${target}' (FORMAT parquet)`,
  );
  connection.closeSync();
  instance.closeSync();
  put('garbage.parquet', 'this is not parquet at all');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('captureData', () => {
  it('fingerprints one CSV file: sha256sum digest, rows, schema', async () => {
    const data = await captureData('orders.csv', { cwd: dir });
    const file = path.join(dir, 'orders.csv');
    expect(data.files).toEqual([{ path: 'orders.csv', size: fs.statSync(file).size, digest: sha256sum(file) }]);
    expect(data).toMatchObject({ uri: file, format: 'csv', rowCount: 3, totalSize: fs.statSync(file).size });
    expect(data.schema).toEqual([
      { name: 'order_id', type: 'BIGINT' },
      { name: 'user_id', type: 'BIGINT' },
      { name: 'amount', type: 'DOUBLE' },
    ]);
  });

  it('documents its manifest digest: canonical JSON of the sorted files', async () => {
    const data = await captureData(path.join(dir, 'orders.csv'));
    const { size, digest } = data.files[0]!;
    expect(data.digest).toBe(sha256Of(`[{"digest":"${digest}","path":"orders.csv","size":${size}}]`));
  });

  it('reads JSONL rows and schema', async () => {
    const data = await captureData(path.join(dir, 'events.jsonl'));
    expect(data).toMatchObject({ format: 'jsonl', rowCount: 2 });
    expect(data.schema).toEqual([
      { name: 'user', type: 'VARCHAR' },
      { name: 'clicks', type: 'BIGINT' },
      { name: 'ok', type: 'BOOLEAN' },
    ]);
  });

  it('reads Parquet rows and schema, for a folder of parts too', async () => {
    const data = await captureData('parts', { cwd: dir });
    expect(data).toMatchObject({ format: 'parquet', rowCount: 1000 });
    expect(data.files.map((f) => f.path)).toEqual(['part-0.parquet']);
    expect(data.schema).toEqual([
      { name: 'id', type: 'INTEGER' },
      { name: 'score', type: 'DOUBLE' },
      { name: 'name', type: 'VARCHAR' },
    ]);
  });

  it('rejects a garbage Parquet file with INVALID_ARGUMENT naming it', async () => {
    const error = await captureData(path.join(dir, 'garbage.parquet')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((error as Error).message).toContain('garbage.parquet');
  });

  it('gives NOT_FOUND for a missing path or a glob that matches nothing', async () => {
    await expect(captureData(path.join(dir, 'missing.csv'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(captureData('*.tsv', { cwd: dir })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('captureData on folders', () => {
  let folder: string;
  beforeAll(() => {
    folder = path.join(dir, 'lake');
    put('lake/z.csv', 'a,b\n1,x\n2,y\n');
    put('lake/b/2.csv', 'a,b\n3,z\n');
    put('lake/b/10.csv', 'a,c\n4,1.5\n');
    put('lake/A.csv', 'a,b\n5,w\n');
    put('lake/_SUCCESS', '');
    put('lake/.git/HEAD', 'ref: refs/heads/main\n');
  });

  it('lists every file below, sorted, skipping .git; totals rows; unions schemas by name', async () => {
    const data = await captureData(folder);
    expect(data.files.map((f) => f.path)).toEqual(['A.csv', '_SUCCESS', 'b/10.csv', 'b/2.csv', 'z.csv']);
    for (const file of data.files) expect(file.digest).toBe(sha256sum(path.join(folder, file.path)));
    expect(data).toMatchObject({ format: 'csv', rowCount: 5 });
    expect(data.totalSize).toBe(data.files.reduce((sum, f) => sum + f.size, 0));
    expect(data.schema).toEqual([
      { name: 'a', type: 'BIGINT' },
      { name: 'b', type: 'VARCHAR' },
      { name: 'c', type: 'DOUBLE' },
    ]);
  });

  it('gives a stable digest that changes when one byte changes', async () => {
    const first = await captureData(folder);
    expect((await captureData(folder)).digest).toBe(first.digest);
    const file = path.join(folder, 'b/2.csv');
    const original = fs.readFileSync(file);
    const changed = Buffer.from(original);
    changed[changed.length - 2] = 'q'.charCodeAt(0); // same size, one byte different
    fs.writeFileSync(file, changed);
    try {
      const after = await captureData(folder);
      expect(after.totalSize).toBe(first.totalSize);
      expect(after.digest).not.toBe(first.digest);
    } finally {
      fs.writeFileSync(file, original);
    }
    expect((await captureData(folder)).digest).toBe(first.digest);
  });

  it('selects files by glob, relative to the glob base', async () => {
    const data = await captureData('lake/**/*.csv', { cwd: dir });
    expect(data.files.map((f) => f.path)).toEqual(['A.csv', 'b/10.csv', 'b/2.csv', 'z.csv']);
    const top = await captureData('lake/*.csv', { cwd: dir });
    expect(top.files.map((f) => f.path)).toEqual(['A.csv', 'z.csv']);
    expect(top.rowCount).toBe(3);
  });

  it('marks a folder with two tabular formats as mixed, and one without any as other', async () => {
    put('mixed/a.csv', 'a\n1\n');
    put('mixed/b.jsonl', '{"a":1}\n');
    put('plain/readme.txt', 'hello\n');
    expect(await captureData(path.join(dir, 'mixed'))).toMatchObject({ format: 'mixed', rowCount: null, schema: null });
    expect(await captureData(path.join(dir, 'plain'))).toMatchObject({ format: 'other', rowCount: null, schema: null });
  });

  it('reads odd file names as themselves, not as globs or SQL', async () => {
    put('odd/x1.csv', 'a\n1\n2\n3\n');
    put('odd/x[1].csv', 'a\n1\n');
    put("odd/it's; DROP TABLE x.csv", 'a\n1\n2\n');
    expect((await captureData(path.join(dir, 'odd/x[1].csv'))).rowCount).toBe(1);
    expect((await captureData(path.join(dir, "odd/it's; DROP TABLE x.csv"))).rowCount).toBe(2);
    expect((await captureData(path.join(dir, 'odd'))).rowCount).toBe(6);
  });
});
