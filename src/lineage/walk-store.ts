import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../store/schema.js';
import type { EntityRef, EntityType } from './types.js';
import { checkDepth, collect, historyRelations, type Direction, type WalkOptions, type WalkResult, type WalkRow } from './walk.js';

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

/**
 * `WITH RECURSIVE walk(...)`. Every column is cast to text in both terms because PostgreSQL
 * insists the anchor's and the recursive term's types agree exactly (varchar(32) ≠ unknown).
 */
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

