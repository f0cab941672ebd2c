import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, freshDatabaseUrl } from '../../../test/dialects.js';
import { s3rverCredentials, startS3, type S3Server } from '../../../test/services/s3.js';
import { captureData } from '../../capture/data.js';
import { openThreadline, type Threadline } from '../../context.js';
import { ProvenanceStore } from '../../tracking/provenance-store.js';
import { readProject } from '../project-file.js';
import { orders, write } from '../data/testing.js';
import { planObservers, runOnce } from '../scheduler.js';

describe.each(dialects)('data observer on %s', (dialect) => {
  let tl: Threadline;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-data-obs-'));
    tl = await openThreadline({ databaseUrl: await freshDatabaseUrl(dialect), artifactsUrl: path.join(dir, '.artifacts'), s3: { region: 'us-east-1', forcePathStyle: true } });
  });
  afterAll(() => tl.close());

  const poke = async (name: string, settings: Record<string, unknown>) => {
    const project = readProject({ observe: { data: [{ name, min_age: 0, ...settings }] } }, path.join(dir, 'threadline.yaml'));
    const [outcome] = await runOnce(planObservers(project), { tl, config: {} as never, project, log: () => {} });
    expect(outcome!.error).toBeUndefined();
    return outcome!.events;
  };

  it('discovers a CSV, then reports a shifted column as data_changed + drift_detected, a removed column as schema_changed, and nothing when unchanged', async () => {
    const file = path.join(dir, 'lake/orders.csv');
    write(file, orders(1));
    const [discovered, ...more] = await poke('orders', { path: 'lake/orders.csv' });
    expect(more).toEqual([]);
    const first = await captureData(file);
    expect(discovered).toMatchObject({ kind: 'data_discovered', severity: 'info', source: 'data:orders', subjects: [{ type: 'data', id: first.digest }], details: { rows: 400, schema: first.schema } });
    // Recorded as a DataVersion without any run, the same one `threadline run --input` would record.
    expect(await new ProvenanceStore(tl.store.db).data(first.digest)).toMatchObject({ digest: first.digest, rowCount: 400, uri: file });

    expect(await poke('orders', { path: 'lake/orders.csv' })).toEqual([]);
    // Same bytes, new mtime: read again, found equal, still quiet.
    const t = new Date();
    fs.utimesSync(file, t, new Date(Date.now() - 30_000));
    expect(await poke('orders', { path: 'lake/orders.csv' })).toEqual([]);

    write(file, orders(2, { shift: 15, rows: 420 }));
    const second = await captureData(file);
    const changed = await poke('orders', { path: 'lake/orders.csv' });
    expect(changed.map((e) => [e.kind, e.severity])).toEqual([
      ['data_changed', 'info'],
      ['drift_detected', 'warning'],
    ]);
    const [dataChanged, drift] = changed as [(typeof changed)[0], (typeof changed)[0]];
    expect(dataChanged.subjects).toEqual([
      { type: 'data', id: second.digest },
      { type: 'data', id: first.digest },
    ]);
    expect(dataChanged.details).toMatchObject({ before: first.digest, after: second.digest, rows: { before: 400, after: 420, change: 20 }, files: { changed: ['orders.csv'], added: [], removed: [] }, schema: { added: [], removed: [], retyped: [] } });
    const amountProfile = (dataChanged.details.profile as { column: string; before: { mean: number }; after: { mean: number } }[]).find((p) => p.column === 'amount')!;
    expect(amountProfile.after.mean - amountProfile.before.mean).toBeGreaterThan(10);
    const scores = drift.details.columns as { column: string; test: string; score: number; drifted: boolean }[];
    expect(scores.find((c) => c.column === 'amount')).toMatchObject({ test: 'ks', drifted: true });
    expect(scores.find((c) => c.column === 'amount')!.score).toBeLessThan(1e-6);
    expect(scores.find((c) => c.column === 'category')).toMatchObject({ drifted: false });
    // Both samples on the same bins, as the drift report draws them (the web UI draws them too).
    const amount = (drift.details.columns as { column: string; histogram: { kind: string; edges: number[]; reference: number[]; current: number[] } }[]).find((c) => c.column === 'amount')!.histogram;
    expect(amount.kind).toBe('bins');
    expect(amount.edges.length).toBe(amount.reference.length + 1);
    expect([amount.reference.reduce((a, b) => a + b, 0), amount.current.reduce((a, b) => a + b, 0)]).toEqual([400, 420]);
    expect(drift.summary).toMatch(/amount \(ks/);
    expect(await poke('orders', { path: 'lake/orders.csv' })).toEqual([]);

    write(file, orders(2, { shift: 15, rows: 420, drop: 'category' }));
    const third = await poke('orders', { path: 'lake/orders.csv' });
    expect(third.map((e) => e.kind)).toEqual(['data_changed', 'schema_changed']);
    expect(third[1]).toMatchObject({ severity: 'warning', details: { removed: [{ name: 'category', type: 'VARCHAR' }], added: [], retyped: [] } });
    expect(third[1]!.summary).toMatch(/removed category/);
    // The columns still there were compared and did not move.
    expect((third[0]!.details.drift as { columns: { column: string }[] }).columns.map((c) => c.column).sort()).toEqual(['amount', 'id']);
  });

  it('turns a garbage file into one data_unreadable error event, then recovers when it is readable again', async () => {
    const file = path.join(dir, 'garbage/events.parquet');
    write(file, Buffer.from('PAR1 this is not parquet at all \x00\x01\x02'));
    const [bad, ...rest] = await poke('events', { path: 'garbage/events.parquet' });
    expect(rest).toEqual([]);
    expect(bad).toMatchObject({ kind: 'data_unreadable', severity: 'error', details: { files: ['events.parquet'] } });
    expect(bad!.summary).toMatch(/events\.parquet cannot be read/);
    expect(await poke('events', { path: 'garbage/events.parquet' })).toEqual([]);

    write(file.replace('.parquet', '.csv'), orders(3));
    fs.rmSync(file);
    const [found] = await poke('events', { path: 'garbage/*.csv' });
    expect(found).toMatchObject({ kind: 'data_discovered', details: { rows: 400 } });
  });

  it('keeps the DVC hash beside ours and sees a .dvc pointer move without the data (git pull, no dvc pull), then dvc add', async () => {
    const file = path.join(dir, 'dvc/train.csv');
    const md5 = (s: string) => createHash('md5').update(s).digest('hex');
    const pointer = (content: string) => `outs:\n- md5: ${md5(content)}\n  size: ${Buffer.byteLength(content)}\n  hash: md5\n  path: train.csv\n`;
    const v1 = orders(4);
    write(file, v1);
    write(`${file}.dvc`, pointer(v1));
    const [discovered] = await poke('train', { path: 'dvc/train.csv' });
    expect(discovered).toMatchObject({ kind: 'data_discovered', details: { dvc: { matchesWorkspace: true, outs: [{ source: 'dvc/train.csv.dvc', path: 'dvc/train.csv', md5: md5(v1) }] } } });

    const v2 = orders(5, { rows: 380 });
    write(`${file}.dvc`, pointer(v2), 1000);
    const [moved, ...rest] = await poke('train', { path: 'dvc/train.csv' });
    expect(rest).toEqual([]);
    expect(moved).toMatchObject({ kind: 'dvc_changed', severity: 'warning', details: { matchesWorkspace: false, before: [{ md5: md5(v1) }], after: [{ md5: md5(v2) }] } });
    expect(await poke('train', { path: 'dvc/train.csv' })).toEqual([]);

    write(file, v2, 500);
    const [changed] = await poke('train', { path: 'dvc/train.csv' });
    expect(changed).toMatchObject({ kind: 'data_changed', details: { rows: { before: 400, after: 380 }, dvc: { matchesWorkspace: true, outs: [{ md5: md5(v2) }] } } });

    // A dvc.lock stage output covering a folder is recognised too.
    write(path.join(dir, 'dvc.lock'), `schema: '2.0'\nstages:\n  prepare:\n    cmd: python prepare.py\n    outs:\n    - path: dvc\n      md5: 0123456789abcdef0123456789abcdef.dir\n      size: 1\n      nfiles: 2\n`);
    const [lock] = await poke('train', { path: 'dvc/train.csv' });
    expect(lock).toMatchObject({ kind: 'dvc_changed', severity: 'info', details: { matchesWorkspace: true } });
    expect(lock!.details.after).toEqual(
      expect.arrayContaining([expect.objectContaining({ source: 'dvc/train.csv.dvc' }), { source: 'dvc.lock', stage: 'prepare', path: 'dvc', md5: '0123456789abcdef0123456789abcdef.dir', size: 1, nfiles: 2 }]),
    );
    fs.rmSync(path.join(dir, 'dvc.lock'));
  });

  it('runs the attached expectation suite on a new version and reports validation_failed', async () => {
    write(path.join(dir, 'suite.yaml'), 'name: orders-ranges\nexpectations:\n  - expect: mean_between\n    column: amount\n    min: 40\n    max: 60\n');
    const file = path.join(dir, 'validated/orders.csv');
    write(file, orders(6));
    const first = await poke('validated', { path: 'validated', suite: 'suite.yaml' });
    expect(first.map((e) => [e.kind, e.severity, e.source])).toEqual([
      ['data_discovered', 'info', 'data:validated'],
      ['validation_passed', 'info', 'data:validated'],
    ]);
    write(file, orders(6, { shift: 30 }));
    const second = await poke('validated', { path: 'validated', suite: 'suite.yaml' });
    expect(second.map((e) => e.kind)).toEqual(['data_changed', 'drift_detected', 'validation_failed']);
    expect(second[2]).toMatchObject({ severity: 'error', subjects: [{ type: 'validation' }, { type: 'data', id: second[0]!.subjects[0]!.id }] });
    expect(second[2]!.summary).toMatch(/amount/);
  });

  it('reads files of any suffix as the format named in the settings', async () => {
    write(path.join(dir, 'export/orders.txt'), orders(8, { rows: 123 }));
    const [found] = await poke('export', { path: 'export/orders.txt', format: 'csv' });
    expect(found).toMatchObject({ kind: 'data_discovered', details: { format: 'csv', rows: 123, schema: [{ name: 'id' }, { name: 'amount' }, { name: 'category' }] } });
    const [plain] = await poke('export-plain', { path: 'export/orders.txt' });
    expect(plain).toMatchObject({ kind: 'data_discovered', details: { format: 'other', rows: null } });
  });

  it('waits while a file is younger than min_age, and refuses a missing path with a clear failed poke', async () => {
    const file = path.join(dir, 'fresh/now.csv');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, orders(7));
    const project = readProject({ observe: { data: [{ name: 'fresh', path: 'fresh/now.csv', min_age: '1h' }, { name: 'gone', path: 'nowhere/x.csv' }] } }, path.join(dir, 'threadline.yaml'));
    const [fresh, gone] = await runOnce(planObservers(project), { tl, config: {} as never, project, log: () => {} });
    expect(fresh).toMatchObject({ ok: true, events: [] });
    expect(gone).toMatchObject({ ok: false, events: [] });
    expect(gone!.error).toMatch(/nowhere\/x\.csv does not exist/);
    expect(() => planObservers(readProject({ observe: { data: { path: 'a', s3: 's3://b/c' } } }, path.join(dir, 'threadline.yaml')))).toThrow(/exactly one of path or s3/);
  });
});

describe('data observer on an S3 prefix (s3rver)', () => {
  let tl: Threadline;
  let dir: string;
  let server: S3Server;
  let client: S3Client;
  const envKeys = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'] as const;
  const savedEnv = Object.fromEntries(envKeys.map((key) => [key, process.env[key]]));

  beforeAll(async () => {
    server = await startS3('lake');
    // Credentials reach the observer only through the SDK's normal chain, as in production.
    process.env.AWS_ACCESS_KEY_ID = s3rverCredentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = s3rverCredentials.secretAccessKey;
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    client = new S3Client({ endpoint: server.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: s3rverCredentials });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-data-s3-'));
    tl = await openThreadline({ databaseUrl: await freshDatabaseUrl('sqlite'), artifactsUrl: path.join(dir, '.artifacts'), s3: { region: 'us-east-1', forcePathStyle: true } });
  });
  afterAll(async () => {
    await tl?.close();
    client?.destroy();
    await server?.stop();
    for (const key of envKeys) {
      if (savedEnv[key] === undefined) delete process.env[key];
      else process.env[key] = savedEnv[key];
    }
  });

  const put = (key: string, body: string) => client.send(new PutObjectCommand({ Bucket: 'lake', Key: key, Body: body }));
  const poke = async () => {
    const project = readProject({ observe: { data: { s3: 's3://lake/orders', min_age: 0 } } }, path.join(dir, 'threadline.yaml'));
    const config = { home: dir, s3: { endpoint: server.endpoint, region: 'us-east-1', forcePathStyle: true } } as never;
    const [outcome] = await runOnce(planObservers(project), { tl, config, project, log: () => {} });
    expect(outcome!.error).toBeUndefined();
    return outcome!.events;
  };

  it('lists the prefix, downloads what changed, and reports a new object version with drift', async () => {
    await put('orders/2026-11-24.csv', orders(41));
    await put('orders/2026-11-25.csv', orders(42));
    await put('elsewhere/x.csv', orders(43));
    const [found] = await poke();
    expect(found).toMatchObject({ kind: 'data_discovered', details: { uri: 's3://lake/orders', files: 2, rows: 800 } });
    expect(await poke()).toEqual([]);

    await put('orders/2026-11-25.csv', orders(44, { shift: 20 }));
    const changed = await poke();
    expect(changed.map((e) => e.kind)).toEqual(['data_changed', 'drift_detected']);
    expect(changed[0]!.details).toMatchObject({ uri: 's3://lake/orders', files: { changed: ['2026-11-25.csv'], added: [], removed: [] }, rows: { before: 800, after: 800 } });
    // The same digest as the files captured locally: the object store is only where they live.
    const local = path.join(dir, 'copy');
    fs.mkdirSync(local);
    fs.writeFileSync(path.join(local, '2026-11-24.csv'), orders(41));
    fs.writeFileSync(path.join(local, '2026-11-25.csv'), orders(44, { shift: 20 }));
    expect(changed[0]!.subjects[0]).toEqual({ type: 'data', id: (await captureData(local)).digest });
    expect(await poke()).toEqual([]);
  });
});
