import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../store/database.js';
import { dialects, freshStore } from '../../test/dialects.js';
import { addEdges } from './edge-store.js';
import type { EntityRef } from './types.js';
import { countReachable, walk } from './walk-store.js';

const ref = (type: EntityRef['type'], id: string): EntityRef => ({ type, id });
const mv = ref('model_version', 'reco/1');
const run = ref('run', 'r1');
const art = ref('artifact', 'sha256:aa');
const code = ref('code', 'sha256:cc');
const data = ref('data', 'sha256:dd');
const env = ref('environment', 'sha256:ee');

describe.each(dialects)('lineage walk on %s', (dialect) => {
  let store: Store;
  beforeAll(async () => {
    store = await freshStore(dialect);
    // A diamond (model version → run directly and through its artifact) and a planted cycle x → y → z → x.
    await addEdges(store.db, [
      { from: mv, relation: 'trained_by', to: run },
      { from: mv, relation: 'packages', to: art },
      { from: art, relation: 'produced_by', to: run },
      { from: run, relation: 'used_code', to: code },
      { from: run, relation: 'read', to: data },
      { from: run, relation: 'ran_in', to: env },
      { from: ref('run', 'r2'), relation: 'read', to: data },
      { from: ref('run', 'x'), relation: 'read', to: ref('run', 'y') },
      { from: ref('run', 'y'), relation: 'read', to: ref('run', 'z') },
      { from: ref('run', 'z'), relation: 'read', to: ref('run', 'x') },
    ]);
  });
  afterAll(() => store.close());

  const keys = (nodes: { type: string; id: string; depth: number }[]) => nodes.map((n) => `${n.type}:${n.id}@${n.depth}`).sort();

  it('walks upstream with each node once at its smallest depth, and the edges it crossed', async () => {
    const result = await walk(store.db, mv, { direction: 'upstream' });
    expect(keys(result.nodes)).toEqual(
      ['model_version:reco/1@0', 'run:r1@1', 'artifact:sha256:aa@1', 'code:sha256:cc@2', 'data:sha256:dd@2', 'environment:sha256:ee@2'].sort(),
    );
    expect(result.edges).toHaveLength(6);
    expect(result.edges).toContainEqual({ from: art, relation: 'produced_by', to: run });
    expect(result.truncated).toBe(false);
  });

  it('walks downstream with edges still pointing from derived to source', async () => {
    const result = await walk(store.db, data, { direction: 'downstream' });
    expect(keys(result.nodes)).toEqual(['data:sha256:dd@0', 'run:r1@1', 'run:r2@1', 'artifact:sha256:aa@2', 'model_version:reco/1@2'].sort());
    expect(result.edges).toContainEqual({ from: ref('run', 'r2'), relation: 'read', to: data });
    expect(await countReachable(store.db, data, { direction: 'downstream' })).toEqual({ run: 2, artifact: 1, model_version: 1 });
  });

  it('stops at the depth limit', async () => {
    const one = await walk(store.db, data, { direction: 'downstream', depth: 1 });
    expect(keys(one.nodes)).toEqual(['data:sha256:dd@0', 'run:r1@1', 'run:r2@1']);
    expect((await walk(store.db, mv, { direction: 'upstream', depth: 0 })).nodes).toEqual([{ ...mv, depth: 0 }]);
    await expect(walk(store.db, mv, { direction: 'upstream', depth: 51 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('ends on a cycle without repeating nodes, in both directions', async () => {
    for (const direction of ['upstream', 'downstream'] as const) {
      const result = await walk(store.db, ref('run', 'x'), { direction, depth: 50 });
      expect(result.nodes).toHaveLength(3);
      expect(result.edges).toHaveLength(3);
      expect(await countReachable(store.db, ref('run', 'x'), { direction, depth: 50 })).toEqual({ run: 2 });
    }
    const up = await walk(store.db, ref('run', 'x'), { direction: 'upstream' });
    expect(keys(up.nodes)).toEqual(['run:x@0', 'run:y@1', 'run:z@2']);
  });

  it('marks a result cut at maxRows as truncated', async () => {
    const result = await walk(store.db, mv, { direction: 'upstream', maxRows: 2 });
    expect(result.truncated).toBe(true);
  });

  it('returns the start alone when nothing links to it', async () => {
    const result = await walk(store.db, ref('run', 'lonely'), { direction: 'downstream' });
    expect(result.nodes).toEqual([{ type: 'run', id: 'lonely', depth: 0 }]);
    expect(result.edges).toEqual([]);
  });
});
