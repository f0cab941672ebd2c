import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Edge, EntityRef } from './types.js';

/** Records links; a link recorded twice is kept once. */
export async function addEdges(db: Kysely<Database>, edges: Edge[], now = Date.now()): Promise<void> {
  if (edges.length === 0) return;
  await db
    .insertInto('edges')
    .values(
      edges.map((e) => ({
        from_type: e.from.type,
        from_id: e.from.id,
        relation: e.relation,
        to_type: e.to.type,
        to_id: e.to.id,
        created_at: now,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** Removes links (a run's code or environment, replaced by a better one); absent ones are ignored. */
export async function removeEdges(db: Kysely<Database>, edges: Edge[]): Promise<void> {
  for (const e of edges) {
    await db
      .deleteFrom('edges')
      .where('from_type', '=', e.from.type)
      .where('from_id', '=', e.from.id)
      .where('relation', '=', e.relation)
      .where('to_type', '=', e.to.type)
      .where('to_id', '=', e.to.id)
      .execute();
  }
}

/** Edges leaving `entity` (what it came from). */
export function edgesFrom(db: Kysely<Database>, entity: EntityRef): Promise<Edge[]> {
  return edgesAt(db, entity, 'from');
}

/** Edges arriving at `entity` (what came from it). */
export function edgesTo(db: Kysely<Database>, entity: EntityRef): Promise<Edge[]> {
  return edgesAt(db, entity, 'to');
}

async function edgesAt(db: Kysely<Database>, entity: EntityRef, end: 'from' | 'to'): Promise<Edge[]> {
  const rows = await db
    .selectFrom('edges')
    .selectAll()
    .where(end === 'from' ? 'from_type' : 'to_type', '=', entity.type)
    .where(end === 'from' ? 'from_id' : 'to_id', '=', entity.id)
    .orderBy('created_at')
    .execute();
  return rows.map(toEdge);
}

function toEdge(row: Database['edges']): Edge {
  return {
    from: { type: row.from_type as EntityRef['type'], id: row.from_id },
    relation: row.relation,
    to: { type: row.to_type as EntityRef['type'], id: row.to_id },
  };
}
