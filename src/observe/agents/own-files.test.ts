/**
 * Watching a folder that also holds Threadline's own files (`.threadline`, or the configured
 * home, database and artifact folder): the observer's own writes are not data, so they never
 * turn into a change.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, freshDatabaseUrl } from '../../../test/dialects.js';
import { openThreadline, type Threadline } from '../../context.js';
import { orders, write } from '../data/testing.js';
import { readProject } from '../project-file.js';
import { planObservers, runOnce } from '../scheduler.js';

describe.each(dialects)('observers skip Threadline own files on %s', (dialect) => {
  let tl: Threadline;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-own-files-'));
    tl = await openThreadline({ databaseUrl: await freshDatabaseUrl(dialect), artifactsUrl: fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-own-art-')), s3: { region: 'us-east-1', forcePathStyle: true } });
  });
  afterAll(() => tl.close());

  const poke = async (base: string, observe: Record<string, unknown>, config: Record<string, unknown> = {}) => {
    const project = readProject({ observe }, path.join(base, 'threadline.yaml'));
    const [result] = await runOnce(planObservers(project), { tl, config: config as never, project, log: () => {} });
    expect(result!.error).toBeUndefined();
    return result!.events;
  };

  it('data on `.`: writes to .threadline and to the configured home, database and artifacts are no change', async () => {
    const base = path.join(dir, 'project');
    write(path.join(base, 'orders.csv'), orders(1));
    write(path.join(base, '.threadline/threadline.db'), 'v1');
    write(path.join(base, 'home/threadline.db'), 'v1');
    write(path.join(base, 'blobs/ab/cd'), 'v1');
    const config = { home: path.join(base, 'home'), databaseUrl: path.join(base, 'home/threadline.db'), artifactsUrl: path.join(base, 'blobs') };
    const observe = { data: [{ name: 'all', path: '.', min_age: 0 }] };
    const [first] = await poke(base, observe, config);
    expect(first).toMatchObject({ kind: 'data_discovered', details: { files: 1, format: 'csv' } });

    write(path.join(base, '.threadline/threadline.db'), 'v2 longer');
    write(path.join(base, '.threadline/threadline.db-wal'), 'wal');
    write(path.join(base, 'home/threadline.db'), 'v2 longer');
    write(path.join(base, 'blobs/ef/01'), 'snapshot');
    expect(await poke(base, observe, config)).toEqual([]);

    // A real change is still one.
    write(path.join(base, 'orders.csv'), orders(2), 30_000);
    expect((await poke(base, observe, config)).map((e) => e.kind)).toContain('data_changed');
  });

  it('features code on `**/*`: files under .threadline are not feature code', async () => {
    const base = path.join(dir, 'features-project');
    write(path.join(base, 'features/build.py'), 'x = 1\n');
    write(path.join(base, '.threadline/threadline.db'), 'v1');
    const observe = { features: [{ name: 'code', code: ['**/*'] }] };
    expect(await poke(base, observe)).toEqual([]);
    write(path.join(base, '.threadline/threadline.db'), 'v2 longer');
    expect(await poke(base, observe)).toEqual([]);
    write(path.join(base, 'features/build.py'), 'x = 2\n', 1000);
    expect((await poke(base, observe)).map((e) => [e.kind, e.details.modified])).toEqual([['feature_code_changed', [expect.objectContaining({ path: 'features/build.py' })]]]);
  });
});
