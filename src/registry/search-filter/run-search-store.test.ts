import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, freshStore } from '../../../test/dialects.js';
import type { Store } from '../../store/database.js';
import { searchRuns, type SearchRunsOptions } from './run-search-store.js';
import { encodePageToken } from './page-token.js';
import { insertExperiment, insertRuns, type RunFixture } from './testing.js';

// Active runs of experiment 0, newest first: d (4000), g (3500), c (3000), b (2000), a (1000).
const runs: RunFixture[] = [
  {
    id: 'run-a', name: 'Baseline', status: 'FINISHED', user: 'ana', start: 1000, end: 2000,
    metrics: { acc: 0.9, loss: 0.3 }, params: { model: 'xgb', lr: '0.1' }, tags: { 'team name': 'core', env: 'prod' },
  },
  {
    id: 'run-b', name: 'baseline-2', status: 'FAILED', user: 'bob', start: 2000,
    metrics: { acc: 0.7 }, params: { model: 'xgb' }, tags: { 'team name': 'Core', env: 'dev' },
  },
  {
    id: 'run-c', name: 'tuned*v?', status: 'FINISHED', start: 3000, end: 4000,
    metrics: { acc: 0.85 }, params: { model: 'lgbm' }, tags: { env: 'prod' },
  },
  {
    id: 'run-d', name: 'nan_run', status: 'RUNNING', start: 4000,
    metrics: { acc: Number.NaN }, params: { model: 'XGB' }, tags: { env: 'staging', note: "x' OR 1=1 --" },
  },
  { id: 'run-g', name: 'nanXrun', status: 'KILLED', start: 3500 },
  { id: 'run-e', name: 'deleted', start: 5000, deleted: true, metrics: { acc: 0.95 }, params: { model: 'xgb' } },
  { id: 'run-f', experiment: '1', start: 6000, metrics: { acc: 0.99 }, params: { model: 'xgb' } },
];

describe.each(dialects)('searchRuns on %s', (dialect) => {
  let store: Store;
  beforeAll(async () => {
    store = await freshStore(dialect);
    await insertExperiment(store, { id: '1', name: 'other', created: 1 });
    await insertRuns(store, runs);
  });
  afterAll(() => store.close());

  const ids = async (filter: string, options: Partial<SearchRunsOptions> = {}) =>
    (await searchRuns(store, { experimentIds: ['0'], filter, ...options })).runIds;

  it('combines a metric and a param comparison', async () => {
    expect(await ids("metrics.acc > 0.8 and params.model = 'xgb'")).toEqual(['run-a']);
    expect(await ids("metrics.acc > 0.8 and params.model = 'xgb'", { experimentIds: ['0', '1'] })).toEqual(['run-f', 'run-a']);
  });

  it('ANDs several tests on one table as the intersection of each alone, IS NULL included', async () => {
    const single = [
      "tags.env = 'prod'", "tags.note IS NULL", "tags.`team name` LIKE 'c%'", "tags.env != 'dev'", "tags.missing IS NULL",
      "params.model IN ('xgb', 'lgbm')", "params.lr IS NULL", "metrics.acc > 0.8", "metrics.loss IS NULL", "metrics.acc != 0.9",
    ].filter((t) => !t.startsWith('metrics.loss'));
    for (let i = 0; i < single.length; i++) {
      for (let j = i + 1; j < single.length; j++) {
        const both = new Set(await ids(single[j]!));
        const expected = (await ids(single[i]!)).filter((id) => both.has(id));
        expect(await ids(`${single[i]} and ${single[j]}`), `${single[i]} and ${single[j]}`).toEqual(expected);
      }
    }
    expect(await ids("tags.env = 'prod' and tags.env = 'prod' and tags.`team name` IS NULL")).toEqual(['run-c']);
    // A run with no tags at all still passes tests of absence only.
    expect(await ids('tags.env IS NULL and tags.note IS NULL')).toEqual(['run-g']);
  });

  it('answers 200 ANDed tests on one tag (once minutes of planning on PostgreSQL)', async () => {
    const filter = Array.from({ length: 200 }, () => "tags.env = 'prod'").join(' and ');
    expect(await ids(filter)).toEqual(['run-c', 'run-a']);
  });

  it('matches every active run of the experiments when the filter is empty', async () => {
    expect(await ids('')).toEqual(['run-d', 'run-g', 'run-c', 'run-b', 'run-a']);
    expect(await ids('', { experimentIds: [] })).toEqual([]);
  });

  it('hides deleted runs unless asked', async () => {
    expect(await ids("params.model = 'xgb'")).toEqual(['run-b', 'run-a']);
    expect(await ids("params.model = 'xgb'", { runViewType: 'DELETED_ONLY' })).toEqual(['run-e']);
    expect(await ids("params.model = 'xgb'", { runViewType: 'ALL' })).toEqual(['run-e', 'run-b', 'run-a']);
  });

  it('finds tags whose names have spaces, quoted with backticks or double quotes', async () => {
    expect(await ids("tags.`team name` = 'core'")).toEqual(['run-a']);
    expect(await ids('tags."team name" != \'core\'')).toEqual(['run-b']);
  });

  it('keeps LIKE case-sensitive and makes ILIKE case-insensitive', async () => {
    expect(await ids("attributes.run_name LIKE 'baseline%'")).toEqual(['run-b']);
    expect(await ids("attributes.run_name LIKE 'Baseline%'")).toEqual(['run-a']);
    expect(await ids("run_name ILIKE 'BASELINE%'")).toEqual(['run-b', 'run-a']);
    expect(await ids("params.model LIKE 'xg%'")).toEqual(['run-b', 'run-a']);
    expect(await ids("params.model ILIKE 'xgb'")).toEqual(['run-d', 'run-b', 'run-a']);
    expect(await ids("tags.`team name` LIKE 'C%'")).toEqual(['run-b']);
  });

  it('treats _ and % as wildcards, backslash-escaped ones and GLOB characters as themselves', async () => {
    expect(await ids("run_name LIKE 'nan_run'")).toEqual(['run-d', 'run-g']);
    expect(await ids("run_name LIKE 'nan\\_run'")).toEqual(['run-d']);
    expect(await ids("run_name LIKE 'tuned*%'")).toEqual(['run-c']);
    expect(await ids("run_name LIKE 'tuned_v?'")).toEqual(['run-c']);
    expect(await ids("run_name LIKE 'tuned[*]%'")).toEqual([]);
    expect(await ids("run_name = 'tuned*v?'")).toEqual(['run-c']);
  });

  it('supports IN and NOT IN on run_id and tags', async () => {
    expect(await ids("attributes.run_id IN ('run-a', 'run-c', 'nope')")).toEqual(['run-c', 'run-a']);
    expect(await ids("run_id NOT IN ('run-a', 'run-g')")).toEqual(['run-d', 'run-c', 'run-b']);
    expect(await ids("tags.env IN ('prod', 'dev')")).toEqual(['run-c', 'run-b', 'run-a']);
    // A run without the tag matches neither IN nor NOT IN, as with != in MLflow.
    expect(await ids("tags.env NOT IN ('prod')")).toEqual(['run-d', 'run-b']);
  });

  it('filters on status and the other attributes', async () => {
    expect(await ids("attributes.status = 'FINISHED'")).toEqual(['run-c', 'run-a']);
    expect(await ids("status != 'FINISHED'")).toEqual(['run-d', 'run-g', 'run-b']);
    expect(await ids("attr.user_id = 'bob'")).toEqual(['run-b']);
    expect(await ids('attributes.end_time > 1500')).toEqual(['run-c', 'run-a']);
    expect(await ids('created >= 3000 and start_time < 4000')).toEqual(['run-g', 'run-c']);
    expect(await ids("artifact_uri LIKE '%/run-a'")).toEqual(['run-a']);
  });

  it('tests presence of params and tags with IS NULL / IS NOT NULL', async () => {
    expect(await ids('tags.env IS NULL')).toEqual(['run-g']);
    expect(await ids('params.lr IS NOT NULL')).toEqual(['run-a']);
    expect(await ids("params.model IS NOT NULL and tags.note IS NULL and params.model != 'lgbm'")).toEqual(['run-b', 'run-a']);
  });

  it('gives NaN metrics IEEE semantics rather than their stored 0', async () => {
    expect(await ids('metrics.acc != 0.9')).toEqual(['run-d', 'run-c', 'run-b']);
    expect(await ids('metrics.acc = 0')).toEqual([]);
    expect(await ids('metrics.acc < 1')).toEqual(['run-c', 'run-b', 'run-a']);
    expect(await ids('metrics.acc >= -1e300 and metrics.loss <= 0.3')).toEqual(['run-a']);
  });

  it('binds values: an injection attempt is just a string that matches nothing', async () => {
    expect(await ids("params.model = 'x'' OR 1=1 --'")).toEqual([]);
    expect(await ids("params.model LIKE '%'' OR ''1''=''1'")).toEqual([]);
    expect(await ids("tags.`x' OR 1=1 --` = 'a'")).toEqual([]);
    expect(await ids("run_id IN ('x'') OR 1=1 --')")).toEqual([]);
    // …and the very same string matches the tag that holds it, exactly.
    expect(await ids("tags.note = 'x'' OR 1=1 --'")).toEqual(['run-d']);
  });

  it('orders by a metric, runs without it last and NaN just before them', async () => {
    expect(await ids('', { orderBy: ['metrics.acc DESC'] })).toEqual(['run-a', 'run-c', 'run-b', 'run-d', 'run-g']);
    expect(await ids('', { orderBy: ['metrics.acc'] })).toEqual(['run-b', 'run-c', 'run-a', 'run-d', 'run-g']);
  });

  it('orders by params in code-point order, by attributes, and breaks ties by start time', async () => {
    expect(await ids('', { orderBy: ['params.model ASC'] })).toEqual(['run-d', 'run-c', 'run-b', 'run-a', 'run-g']);
    expect(await ids('', { orderBy: ['params.model DESC'] })).toEqual(['run-b', 'run-a', 'run-c', 'run-d', 'run-g']);
    expect(await ids('', { orderBy: ['attributes.end_time'] })).toEqual(['run-a', 'run-c', 'run-d', 'run-g', 'run-b']);
    expect(await ids('', { orderBy: ['start_time ASC'] })).toEqual(['run-a', 'run-b', 'run-c', 'run-g', 'run-d']);
    expect(await ids('', { orderBy: ['tags.env', 'metrics.acc DESC'] })).toEqual(['run-b', 'run-a', 'run-c', 'run-d', 'run-g']);
    // 'X' (U+0058) sorts before '_' (U+005F) in code-point order, whatever the database locale.
    expect(await ids('', { orderBy: ['run_name'] })).toEqual(['run-a', 'run-b', 'run-g', 'run-d', 'run-c']);
  });

  it('pages through results without duplicates', async () => {
    const pages: string[][] = [];
    let pageToken: string | undefined;
    do {
      const page = await searchRuns(store, { experimentIds: ['0'], maxResults: 2, pageToken });
      pages.push(page.runIds);
      pageToken = page.nextPageToken;
    } while (pageToken !== undefined);
    expect(pages).toEqual([['run-d', 'run-g'], ['run-c', 'run-b'], ['run-a']]);
    expect(new Set(pages.flat()).size).toBe(5);
    // Exactly a full last page: no token pointing at an empty page.
    expect((await searchRuns(store, { experimentIds: ['0'], maxResults: 5 })).nextPageToken).toBeUndefined();
    expect(await ids('', { pageToken: encodePageToken(10) })).toEqual([]);
  });

  it('rejects bad arguments with INVALID_ARGUMENT', async () => {
    const invalid = expect.objectContaining({ code: 'INVALID_ARGUMENT' });
    await expect(ids('', { maxResults: 50_001 })).rejects.toThrow(invalid);
    await expect(ids('', { maxResults: 0 })).rejects.toThrow(invalid);
    await expect(ids('', { pageToken: 'garbage!' })).rejects.toThrow(invalid);
    await expect(ids('metrics.acc >')).rejects.toThrow(invalid);
    await expect(ids('', { orderBy: ['metrics.acc DOWN'] })).rejects.toThrow(invalid);
    await expect(ids("dataset.name = 'train'")).rejects.toThrow('Invalid filter at position 1: dataset filters are not supported yet');
  });
});
