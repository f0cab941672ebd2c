import type { Store } from '../store/database.js';
import type { EntityRef, EntityType } from './types.js';

/**
 * Entities linked to their parent by a column rather than by edges: predictions name their
 * deployment in `predictions.deployment_id`. There are millions of them, so one edge each would
 * make the edge table mostly predictions; the walk stops at their parents and these count them.
 */
export interface LeafSource {
  type: EntityType;
  parentType: EntityType;
  relation: string;
  /** The parent of one leaf, or undefined when it is unlinked. */
  parentOf(store: Store, id: string): Promise<EntityRef | undefined>;
  /** How many leaves hang under these parents, and over which time window. */
  countUnder(store: Store, parentIds: string[]): Promise<LeafCount>;
}

export interface LeafCount {
  count: number;
  /** Epoch ms of the first and last leaf, null when there are none. */
  first: number | null;
  last: number | null;
}

const sources = new Map<EntityType, LeafSource>();

export function registerLeafSource(source: LeafSource): void {
  sources.set(source.type, source);
}

export function leafSource(type: EntityType): LeafSource | undefined {
  return sources.get(type);
}

export function leafSources(): LeafSource[] {
  return [...sources.values()];
}
