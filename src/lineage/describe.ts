import type { DescribeContext, Describer, Description } from './describe-types.js';
import type { EntityRef, EntityType } from './types.js';

export type { DescribeContext, Describer, Description };

/** One describer per entity type; each domain adds those of its entities with `registerDescriber` (the context calls them). */
const describers: Partial<Record<EntityType, Describer>> = {};

export function registerDescriber(type: EntityType, describer: Describer): void {
  describers[type] = describer;
}

/** A domain's own describer, kept when another module already registered one that builds on it (MLflow's data). */
export function registerDefaultDescriber(type: EntityType, describer: Describer): void {
  describers[type] ??= describer;
}

/**
 * The key facts of each entity, keyed `type:id`. An entity that the graph names but no table
 * holds (deleted, or recorded by an older version) gets its id as summary, not an error: a trace
 * should show the rest of the thread.
 */
export async function describeAll(ctx: DescribeContext, refs: readonly EntityRef[]): Promise<Map<string, Description>> {
  const byType = new Map<EntityType, string[]>();
  for (const ref of refs) byType.set(ref.type, [...(byType.get(ref.type) ?? []), ref.id]);
  const out = new Map<string, Description>();
  await Promise.all(
    [...byType].map(async ([type, ids]) => {
      const describer = describers[type];
      const found = describer ? await describer(ctx, [...new Set(ids)]) : new Map<string, Description>();
      // No describer yet (a type a newer module added): the id alone is still a useful line.
      const missing = (id: string) => ({ summary: describer ? `${id}  (not recorded)` : id, facts: {} });
      for (const id of ids) out.set(`${type}:${id}`, found.get(id) ?? missing(id));
    }),
  );
  return out;
}
