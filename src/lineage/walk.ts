import { sql, type Kysely, type RawBuilder } from 'kysely';
import { invalidArgument } from '../errors.js';
import type { Database } from '../store/schema.js';
import type { Edge, EntityRef, EntityType } from './types.js';

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
const defaultMaxRows = 20_000;

/**
 * Everything reachable from `start` within `depth` edges, as one recursive CTE that runs the same
 * on SQLite and PostgreSQL. Edges point from the derived thing to its source, so upstream follows
 * from → to and downstream to → from.
 *
 * Cycle safety without path strings: rows are (node, depth, edge that reached it) joined by UNION,
 * which drops rows already produced, and depth is capped; so a cycle is unrolled at most `depth`
 * times and the recursion always ends. Nodes reached at several depths are kept once, at the
 * smallest. Path tracking would enumerate every path through diamonds (model version → run and
 * → artifact → run), which grows exponentially; this grows with nodes × depth at worst.
 */
export async function walk(db: Kysely<Database>, start: EntityRef, options: WalkOptions): Promise<WalkResult> {
  const depth = checkDepth(options.depth);
  const maxRows = options.maxRows ?? defaultMaxRows;
  const rows = await sql<WalkRow>`${walkCte(start, options.direction, depth)}
    SELECT node_type, node_id, depth, via_type, via_id, relation FROM walk LIMIT ${maxRows + 1}`.execute(db);
  const truncated = rows.rows.length > maxRows;
  return { start, direction: options.direction, depth, ...collect(rows.rows.slice(0, maxRows), options.direction), truncated };
}

/** How many distinct entities of each type the walk reaches, the start left out: the impact summary. */
export async function countReachable(db: Kysely<Database>, start: EntityRef, options: WalkOptions): Promise<Partial<Record<EntityType, number>>> {
  const depth = checkDepth(options.depth);
  const rows = await sql<{ node_type: string; n: number }>`${walkCte(start, options.direction, depth)}
    SELECT node_type, COUNT(DISTINCT node_id) AS n FROM walk
    WHERE NOT (node_type = ${start.type} AND node_id = ${start.id})
    GROUP BY node_type`.execute(db);
  // COUNT is a bigint on PostgreSQL, read as a number (store/postgres.ts).
  return Object.fromEntries(rows.rows.map((r) => [r.node_type, r.n]));
}

export function checkDepth(raw: number | undefined): number {
  const depth = raw ?? defaultDepth;
  if (!Number.isInteger(depth) || depth < 0 || depth > maxDepth) throw invalidArgument(`depth must be an integer from 0 to ${maxDepth}, got ${raw}`);
  return depth;
}

interface WalkRow {
  node_type: string;
  node_id: string;
  depth: number;
  via_type: string | null;
  via_id: string | null;
  relation: string | null;
}

/**
 * `WITH RECURSIVE walk(...)`. Every column is cast to text in both terms because PostgreSQL
 * insists the anchor's and the recursive term's types agree exactly (varchar(32) ≠ unknown).
 */
/**
 * Edges that record history rather than provenance: `prod#3 -replaced-> prod#2` says what ran
 * before, not what prod#3 was made from, so a trace does not follow them (`deployments list` shows them).
 */
export const historyRelations: readonly string[] = ['replaced'];

function walkCte(start: EntityRef, direction: Direction, depth: number): RawBuilder<unknown> {
  // `near` is the end of an edge already in the walk, `far` the end the walk moves to.
  const [near, far] = direction === 'upstream' ? (['from', 'to'] as const) : (['to', 'from'] as const);
  const col = (end: 'from' | 'to', part: 'type' | 'id') => sql.ref(`e.${end}_${part}`);
  return sql`WITH RECURSIVE walk(node_type, node_id, depth, via_type, via_id, relation) AS (
      SELECT CAST(${start.type} AS text), CAST(${start.id} AS text), 0, CAST(NULL AS text), CAST(NULL AS text), CAST(NULL AS text)
      UNION
      SELECT CAST(${col(far, 'type')} AS text), CAST(${col(far, 'id')} AS text), w.depth + 1,
             CAST(${col(near, 'type')} AS text), CAST(${col(near, 'id')} AS text), CAST(e.relation AS text)
      FROM walk w JOIN edges e ON ${col(near, 'type')} = w.node_type AND ${col(near, 'id')} = w.node_id
      WHERE w.depth < ${depth} AND e.relation NOT IN (${sql.join(historyRelations)})
    )`;
}

/** Rows → nodes at their smallest depth, and each traversed edge once, in its stored direction. */
function collect(rows: WalkRow[], direction: Direction): { nodes: WalkNode[]; edges: Edge[] } {
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
