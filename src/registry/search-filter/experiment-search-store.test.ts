import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, freshStore } from '../../../test/dialects.js';
import type { Store } from '../../store/database.js';
import { searchExperiments, type SearchExperimentsOptions } from './experiment-search-store.js';
import { insertExperiment } from './testing.js';

describe.each(dialects)('searchExperiments on %s', (dialect) => {
  let store: Store;
  beforeAll(async () => {
    store = await freshStore(dialect);
    // "Default" (id 0) exists already, created "now": the newest of all.
    await store.db.updateTable('experiments').set({ creation_time: 9000, last_update_time: 9000 }).execute();
    await insertExperiment(store, { id: '1', name: 'Recommender', created: 1000, updated: 5000, tags: { team: 'ml', 'cost center': '42' } });
    await insertExperiment(store, { id: '2', name: 'recommender-v2', created: 2000, tags: { team: 'ML' } });
    await insertExperiment(store, { id: '10', name: 'churn', created: 2000, tags: { owner: "x' OR 1=1 --" } });
    await insertExperiment(store, { id: '3', name: 'old', created: 500, deleted: true, tags: { team: 'ml' } });
  });
  afterAll(() => store.close());

  const ids = async (filter: string, options: SearchExperimentsOptions = {}) =>
    (await searchExperiments(store, { filter, ...options })).experimentIds;

  it('lists active experiments newest first, ties by id', async () => {
    expect(await ids('')).toEqual(['0', '2', '10', '1']);
    expect(await ids('', { viewType: 'DELETED_ONLY' })).toEqual(['3']);
    expect(await ids('', { viewType: 'ALL' })).toEqual(['0', '2', '10', '1', '3']);
  });

  it('filters on name with =, !=, case-sensitive LIKE and ILIKE', async () => {
    expect(await ids("name = 'churn'")).toEqual(['10']);
    expect(await ids("attribute.name != 'churn'")).toEqual(['0', '2', '1']);
    expect(await ids("name LIKE 'rec%'")).toEqual(['2']);
    expect(await ids("name ILIKE 'REC%'")).toEqual(['2', '1']);
  });

  it('filters on times', async () => {
    expect(await ids('creation_time >= 2000 and creation_time < 9000')).toEqual(['2', '10']);
    expect(await ids('last_update_time = 5000')).toEqual(['1']);
  });

  it('filters on tags, including presence and names with spaces', async () => {
    expect(await ids("tags.team = 'ml'")).toEqual(['1']);
    expect(await ids("tags.team ILIKE 'ml'")).toEqual(['2', '1']);
    expect(await ids("tags.`cost center` = '42'")).toEqual(['1']);
    expect(await ids('tags.team IS NULL')).toEqual(['0', '10']);
    expect(await ids('tags.team IS NOT NULL', { viewType: 'ALL' })).toEqual(['2', '1', '3']);
    expect(await ids("tags.owner = 'x'' OR 1=1 --'")).toEqual(['10']);
    expect(await ids("name = 'x'' OR 1=1 --'")).toEqual([]);
  });

  it('orders by name in code-point order, and experiment ids numerically', async () => {
    expect(await ids('', { orderBy: ['name'] })).toEqual(['0', '1', '10', '2']);
    expect(await ids('', { orderBy: ['experiment_id'] })).toEqual(['0', '1', '2', '10']);
    expect(await ids('', { orderBy: ['experiment_id DESC'] })).toEqual(['10', '2', '1', '0']);
    expect(await ids('', { orderBy: ['creation_time ASC'] })).toEqual(['1', '10', '2', '0']);
    expect(await ids('', { orderBy: ['last_update_time DESC'] })).toEqual(['0', '1', '10', '2']);
  });

  it('pages without duplicates', async () => {
    const first = await searchExperiments(store, { maxResults: 3 });
    expect(first.experimentIds).toEqual(['0', '2', '10']);
    const second = await searchExperiments(store, { maxResults: 3, pageToken: first.nextPageToken });
    expect(second).toEqual({ experimentIds: ['1'] });
  });

  it('rejects what experiments do not have', async () => {
    await expect(ids('metrics.acc > 1')).rejects.toThrow("unknown entity type 'metrics' for experiments");
    await expect(ids('', { orderBy: ['tags.team'] })).rejects.toThrow('experiments can only be ordered by attributes');
    await expect(ids('', { maxResults: 50_001 })).rejects.toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
