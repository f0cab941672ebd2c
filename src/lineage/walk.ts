import { invalidArgument } from '../errors.js';
import type { Edge, EntityRef, EntityType } from './types.js';

/** The walk of the lineage graph, what the store's recursive query returns (walk-store.ts) turned into nodes and edges. */

/** One row of the walk: a node, and the edge that reached it (none for the start). */
export interface WalkRow {
  node_type: string;
  node_id: string;
  depth: number;
  via_type: string | null;
  via_id: string | null;
  relation: string | null;
}

export type Direction = 'upstream' | 'downstream';

export interface WalkOptions {
  direction: Direction;
  /** How many edges away from the start to go: default 10, at most 50. */
  depth?: number;
  /** At most this many (node, edge) rows come back; more marks the result truncated. */
  maxRows?: number;
}

export interface WalkNode extends EntityRef {
  /** Fewest edges from the start (0 for the start itself). */
  depth: number;
}

export interface WalkResult {
  start: EntityRef;
  direction: Direction;
  depth: number;
  nodes: WalkNode[];
  edges: Edge[];
  truncated: boolean;
}

export const defaultDepth = 10;
export const maxDepth = 50;

export function checkDepth(raw: number | undefined): number {
  const depth = raw ?? defaultDepth;
  if (!Number.isInteger(depth) || depth < 0 || depth > maxDepth) throw invalidArgument(`depth must be an integer from 0 to ${maxDepth}, got ${raw}`);
  return depth;
}

/**
 * Edges that record history rather than provenance: `prod#3 -replaced-> prod#2` says what ran
 * before, not what prod#3 was made from, so a trace does not follow them (`deployments list` shows them).
 */
export const historyRelations: readonly string[] = ['replaced'];

/** Rows → nodes at their smallest depth, and each traversed edge once, in its stored direction. */
export function collect(rows: WalkRow[], direction: Direction): { nodes: WalkNode[]; edges: Edge[] } {
  const nodes = new Map<string, WalkNode>();
  const edges = new Map<string, Edge>();
  for (const row of rows) {
    const node = { type: row.node_type as EntityType, id: row.node_id };
    const depth = row.depth;
    const key = refKey(node);
    const seen = nodes.get(key);
    if (!seen || seen.depth > depth) nodes.set(key, { ...node, depth });
    if (row.via_type === null || row.via_id === null || row.relation === null) continue;
    const via = { type: row.via_type as EntityType, id: row.via_id };
    const edge = direction === 'upstream' ? { from: via, relation: row.relation, to: node } : { from: node, relation: row.relation, to: via };
    edges.set(`${refKey(edge.from)} ${edge.relation} ${refKey(edge.to)}`, edge);
  }
  return { nodes: [...nodes.values()].sort((a, b) => a.depth - b.depth), edges: [...edges.values()] };
}

export function refKey(ref: EntityRef): string {
  return `${ref.type}:${ref.id}`;
}
