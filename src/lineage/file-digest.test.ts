import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, freshStore } from '../../test/dialects.js';
import { captureData } from '../capture/data.js';
import type { DataVersion } from '../capture/types.js';
import type { Store } from '../store/database.js';
import { resolveEntity, type ResolveContext } from './resolve.js';
import { servicesOf } from './testing.js';

const orders = 'order_id,item\n1,a\n2,b\n';
const hex = (algorithm: string, text: string) => createHash(algorithm).update(text).digest('hex');

/** A folder as DVC leaves it: orders.csv with a matching pointer, stale.csv with an outdated one. */
function dvcFolder(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-dvc-')));
  fs.mkdirSync(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'data/orders.csv'), orders);
  fs.writeFileSync(path.join(dir, 'data/orders.csv.dvc'), `outs:\n- md5: ${hex('md5', orders)}\n  size: ${orders.length}\n  hash: md5\n  path: orders.csv\n`);
  fs.writeFileSync(path.join(dir, 'data/stale.csv'), 'order_id,item\n9,z\n');
  fs.writeFileSync(path.join(dir, 'data/stale.csv.dvc'), `outs:\n- md5: ${hex('md5', 'old content')}\n  path: stale.csv\n`);
  return dir;
}

describe.each(dialects)('data files found by their own digest on %s', (dialect) => {
  let store: Store;
  let tl: ReturnType<typeof servicesOf>;
  let ctx: ResolveContext;
  let folder: DataVersion;
  let single: DataVersion;
  let runId: string;
  const dir = dvcFolder();

  beforeAll(async () => {
    store = await freshStore(dialect);
    tl = servicesOf(store);
    ctx = { db: store.db, models: tl.models };
    folder = await captureData('data', { cwd: dir });
    single = await captureData('data/orders.csv', { cwd: dir });
    const first = await tl.runs.create({ name: 'folder' });
    await tl.runs.recordData(first.runId, 'input', 'data', folder);
    const second = await tl.runs.create({ name: 'single' });
    await tl.runs.recordData(second.runId, 'input', 'data/orders.csv', single);
    runId = second.runId;
  });
  afterAll(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('records the md5 a DVC pointer gives, only where it matches the file', () => {
    const byPath = Object.fromEntries(folder.files.map((f) => [f.path, f]));
    expect(byPath['orders.csv']).toEqual({ path: 'orders.csv', size: orders.length, digest: `sha256:${hex('sha256', orders)}`, dvcMd5: hex('md5', orders) });
    expect(byPath['stale.csv']!.dvcMd5).toBeUndefined();
    expect(single.files).toEqual([byPath['orders.csv']]);
  });

  it("resolves a file's sha256 or DVC md5 to the data versions holding it, listing them when several", async () => {
    const stale = folder.files.find((f) => f.path === 'stale.csv')!.digest;
    expect(await resolveEntity(ctx, stale)).toEqual({ type: 'data', id: folder.digest });
    expect(await resolveEntity(ctx, stale.slice(0, 20))).toEqual({ type: 'data', id: folder.digest });
    for (const id of [`sha256:${hex('sha256', orders)}`, `md5:${hex('md5', orders)}`]) {
      const error = await resolveEntity(ctx, id).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect((error as Error).message).toContain(`data ${folder.digest} (holds orders.csv)`);
      expect((error as Error).message).toContain(`data ${single.digest} (holds orders.csv)`);
    }
    // The manifest digest itself still names its data version.
    expect(await resolveEntity(ctx, single.digest)).toEqual({ type: 'data', id: single.digest });
    await expect(resolveEntity(ctx, `md5:${hex('md5', 'nothing')}`)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it("shows each data input's manifest with the run", async () => {
    const run = await tl.runs.get(runId);
    expect(run.io).toEqual([{ direction: 'input', kind: 'data', name: 'data/orders.csv', ref: single.digest, manifest: single.files }]);
    expect((await tl.runs.dataVersion(folder.digest)).files).toEqual(folder.files);
  });
});
