import type { TraceNode, TraceResult } from '../../../../src/lineage/trace-types.js';
import type { EntityType } from '../../../../src/lineage/types.js';

export const keyOf = (ref: { type: string; id: string }) => `${ref.type}:${ref.id}`;

/** What has been loaded so far: the union of every trace asked for (the start and each expansion). */
export interface LoadedGraph {
  nodes: Map<string, TraceNode>;
  /** Keyed `from|relation|to`; `from` is the derived entity, `to` what it came from. */
  edges: Map<string, { from: string; to: string; relation: string }>;
  /** Leaves counted under deployments (predictions): their count, not each one. */
  leaves: Map<string, { type: EntityType; count: number; parents: string[] }>;
}

export const emptyGraph = (): LoadedGraph => ({ nodes: new Map(), edges: new Map(), leaves: new Map() });

/** The graph grown by one trace; depths stay those of the first trace that reached a node. */
export function mergeTrace(graph: LoadedGraph, trace: TraceResult): LoadedGraph {
  const next: LoadedGraph = { nodes: new Map(graph.nodes), edges: new Map(graph.edges), leaves: new Map(graph.leaves) };
  for (const node of trace.nodes) if (!next.nodes.has(keyOf(node))) next.nodes.set(keyOf(node), node);
  for (const edge of trace.edges) {
    const from = keyOf(edge.from);
    const to = keyOf(edge.to);
    next.edges.set(`${from}|${edge.relation}|${to}`, { from, to, relation: edge.relation });
  }
  for (const [type, leaf] of Object.entries(trace.leaves ?? {})) {
    if (!leaf || leaf.count === 0) continue;
    const parents = trace.nodes.filter((n) => n.type === 'deployment').map(keyOf);
    next.leaves.set(`leaves:${type}:${keyOf(trace.start)}`, { type: type as EntityType, count: leaf.count, parents });
  }
  return next;
}

/** A node as drawn: an entity, or a counted stand-in for many ("455 predictions"). */
export interface ShownNode {
  key: string;
  type: EntityType;
  label: string;
  summary: string;
  start: boolean;
  /** Set on counted nodes: how many, and the entities behind it (when they were loaded). */
  count?: number;
  members?: string[];
}

export interface ShownEdge {
  key: string;
  /** Drawn left to right: what something came from on the left. */
  source: string;
  target: string;
  relation: string;
}

const plural: Partial<Record<EntityType, string>> = { data: 'data versions', code: 'code versions', model_version: 'model versions', ol_run: 'OpenLineage runs', environment: 'environments' };
export const countLabel = (count: number, type: EntityType) => `${count.toLocaleString('en')} ${count === 1 ? type.replace('_', ' ') : (plural[type] ?? `${type.replace('_', ' ')}s`)}`;

/**
 * What to draw: loaded entities, with every group of more than `limit` neighbours of one type on
 * one side of a node folded into a counted node, unless the user opened that group.
 */
export function shownGraph(graph: LoadedGraph, startKey: string, opened: ReadonlySet<string>, limit = 8): { nodes: ShownNode[]; edges: ShownEdge[] } {
  const neighbours = new Map<string, Set<string>>();
  const incident = new Map<string, { other: string; side: 'from' | 'to' }[]>();
  const link = (anchor: string, other: string, side: 'from' | 'to') => {
    if (!neighbours.has(anchor)) neighbours.set(anchor, new Set());
    neighbours.get(anchor)!.add(other);
    if (!incident.has(anchor)) incident.set(anchor, []);
    incident.get(anchor)!.push({ other, side });
  };
  for (const e of graph.edges.values()) {
    link(e.to, e.from, 'from');
    link(e.from, e.to, 'to');
  }
  // Group each node's neighbours by side and type; a neighbour folds only when this node is all it links to.
  const folded = new Map<string, string>();
  const groups = new Map<string, { type: EntityType; members: string[] }>();
  for (const anchor of graph.nodes.keys()) {
    const bySide = new Map<string, Set<string>>();
    for (const { other, side } of incident.get(anchor) ?? []) {
      const otherNode = graph.nodes.get(other);
      if (!otherNode || other === startKey || folded.has(other) || (neighbours.get(other)?.size ?? 0) > 1) continue;
      const id = `group:${anchor}:${side}:${otherNode.type}`;
      if (!bySide.has(id)) bySide.set(id, new Set());
      bySide.get(id)!.add(other);
    }
    for (const [id, members] of bySide) {
      if (members.size <= limit || opened.has(id)) continue;
      const list = [...members];
      groups.set(id, { type: graph.nodes.get(list[0]!)!.type, members: list });
      for (const member of list) folded.set(member, id);
    }
  }

  const nodes: ShownNode[] = [];
  for (const [key, node] of graph.nodes) {
    if (folded.has(key)) continue;
    nodes.push({ key, type: node.type, label: node.type.replace('_', ' '), summary: node.summary, start: key === startKey });
  }
  for (const [key, group] of groups) {
    nodes.push({ key, type: group.type, label: countLabel(group.members.length, group.type), summary: 'click to list them', start: false, count: group.members.length, members: group.members });
  }
  for (const [key, leaf] of graph.leaves) {
    nodes.push({ key, type: leaf.type, label: countLabel(leaf.count, leaf.type), summary: 'served by the deployments here', start: false, count: leaf.count });
  }

  const edges = new Map<string, ShownEdge>();
  for (const e of graph.edges.values()) {
    const from = folded.get(e.from) ?? e.from;
    const to = folded.get(e.to) ?? e.to;
    if (from === to) continue;
    const key = `${to}>${from}`;
    if (!edges.has(key)) edges.set(key, { key, source: to, target: from, relation: e.relation });
  }
  for (const [key, leaf] of graph.leaves) {
    for (const parent of leaf.parents) if (graph.nodes.has(parent)) edges.set(`${parent}>${key}`, { key: `${parent}>${key}`, source: folded.get(parent) ?? parent, target: key, relation: 'served_by' });
  }
  return { nodes, edges: [...edges.values()] };
}
