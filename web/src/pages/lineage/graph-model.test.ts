import { describe, expect, it } from 'vitest';
import type { TraceResult } from '../../../../src/lineage/trace-types.js';
import type { EntityType } from '../../../../src/lineage/types.js';
import { emptyGraph, mergeTrace, shownGraph } from './graph-model';

const node = (type: EntityType, id: string, depth = 1) => ({ type, id, depth, summary: `${type} ${id}`, facts: {} });

/** A data version read by `fan` runs; the first of them deployed, with `leaves` predictions counted under it. */
function trace(fan: number, leaves?: number): TraceResult {
  const runs = Array.from({ length: fan }, (_, i) => node('run', `r${i}`, 1));
  return {
    start: { type: 'data', id: 'd' },
    direction: 'downstream',
    depth: 2,
    nodes: [node('data', 'd', 0), ...runs, node('deployment', 'prod#1', 2)],
    edges: [...runs.map((r) => ({ from: { type: 'run' as const, id: r.id }, relation: 'read', to: { type: 'data' as const, id: 'd' } })), { from: { type: 'deployment', id: 'prod#1' }, relation: 'deploys', to: { type: 'run', id: 'r0' } }],
    counts: { run: fan },
    truncated: false,
    ...(leaves !== undefined && { leaves: { prediction: { count: leaves, first: 1, last: 2 } } }),
  };
}

describe('the lineage graph model', () => {
  it('folds more than `limit` neighbours of one type into a counted node, but never the start or a node with other links', () => {
    const graph = mergeTrace(emptyGraph(), trace(12));
    const shown = shownGraph(graph, 'data:d', new Set(), 8);
    // r0 also links to the deployment: it stays; the other 11 runs become one counted node.
    expect(shown.nodes.map((n) => n.label).sort()).toEqual(['11 runs', 'data', 'deployment', 'run']);
    const group = shown.nodes.find((n) => n.count === 11)!;
    expect(group.members).toHaveLength(11);
    // Edges are drawn source → derived (left to right), folded members through their group, once.
    expect(shown.edges.filter((e) => e.target === group.key)).toEqual([{ key: `data:d>${group.key}`, source: 'data:d', target: group.key, relation: 'read' }]);
    expect(shown.edges.some((e) => e.source === 'run:r0' && e.target === 'deployment:prod#1')).toBe(true);
  });

  it('draws every neighbour once the group is opened, and at or under the limit', () => {
    const graph = mergeTrace(emptyGraph(), trace(12));
    const group = shownGraph(graph, 'data:d', new Set(), 8).nodes.find((n) => n.count)!;
    expect(shownGraph(graph, 'data:d', new Set([group.key]), 8).nodes.filter((n) => n.type === 'run')).toHaveLength(12);
    expect(shownGraph(mergeTrace(emptyGraph(), trace(8)), 'data:d', new Set(), 8).nodes.filter((n) => n.type === 'run')).toHaveLength(8);
  });

  it('counts predictions under the deployments instead of drawing them, and merges expansions without duplicates', () => {
    const graph = mergeTrace(mergeTrace(emptyGraph(), trace(2, 455)), trace(2, 455));
    const shown = shownGraph(graph, 'data:d', new Set());
    const predictions = shown.nodes.find((n) => n.type === 'prediction')!;
    expect(predictions.label).toBe('455 predictions');
    expect(shown.edges.filter((e) => e.target === predictions.key).map((e) => e.source)).toEqual(['deployment:prod#1']);
    expect(shown.nodes.filter((n) => n.type === 'run')).toHaveLength(2);
    expect(graph.edges.size).toBe(3);
  });
});
