import { z } from 'zod';
import type { Store } from '../store/database.js';
import { invalidArgument, parseWith } from '../errors.js';
import { describeAll } from './describe.js';
import { parseEntityType, resolveEntity, type ResolveContext } from './resolve.js';
import type { TraceOptions, TraceResult } from './trace-types.js';
import type { EntityRef, EntityType } from './types.js';
import { leafSource, leafSources, type LeafCount } from './leaves.js';
import { countReachable, walk } from './walk-store.js';
import { maxDepth, refKey } from './walk.js';

/** What trace options look like on the wire: the CLI and HTTP both send strings. */
const optionsSchema = z.object({
  direction: z.enum(['upstream', 'downstream']).default('upstream'),
  depth: z.coerce.number().int().min(0).max(maxDepth).default(10),
  type: z.string().optional(),
});

/** Display order of types at one depth: what was served before what it was built from. */
export const typeOrder: readonly EntityType[] = ['prediction', 'deployment', 'image', 'model_version', 'run', 'experiment', 'code', 'data', 'environment', 'artifact'];

/** What a trace reads: the store (the describers read it), and the registry's reading of model references. */
export interface TraceServices {
  store: Store;
  /** Resolves `name@alias` and `name/3` to the version a trace starts at. */
  models: NonNullable<ResolveContext['models']>;
}

/** `threadline trace`: which entity an id means, and the thread of entities up or down from it. */
export class TraceService {
  constructor(private readonly tl: TraceServices) {}

  resolve(id: string, type?: string): Promise<EntityRef> {
    if (typeof id !== 'string' || id.trim() === '') throw invalidArgument('an id to trace is required');
    return resolveEntity({ db: this.tl.store.db, models: this.tl.models }, id, type === undefined ? undefined : parseEntityType(type));
  }

  /**
   * @example
   * const up = await traces.trace('amazon-recommender@champion');                 // run, code, data, env
   * const down = await traces.trace('sha256:77e0…', { direction: 'downstream' }); // runs and models from a snapshot
   */
  async trace(id: string, raw: TraceOptions = {}): Promise<TraceResult> {
    const { direction, depth, type } = parseWith(optionsSchema, raw ?? {}, 'Invalid trace options');
    const start = await this.resolve(id, type);
    const db = this.tl.store.db;
    const { graph, counts, leaves } = await this.walkWithLeaves(start, direction, depth);
    const described = await describeAll({ db, store: this.tl.store }, graph.nodes);
    const rank = (t: EntityType) => (typeOrder.indexOf(t) + typeOrder.length + 1) % (typeOrder.length + 1);
    const nodes = graph.nodes
      .map((n) => ({ ...n, ...described.get(refKey(n))! }))
      .sort((a, b) => a.depth - b.depth || rank(a.type) - rank(b.type) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { start, direction, depth, nodes, edges: graph.edges, counts, truncated: graph.truncated, ...(Object.keys(leaves).length > 0 && { leaves }) };
  }

  /**
   * The edge walk, plus the leaves linked by a column (predictions): upstream from a leaf the walk
   * continues at its parent one level down; downstream, leaves under the reached parents are counted.
   */
  private async walkWithLeaves(start: EntityRef, direction: 'upstream' | 'downstream', depth: number) {
    const db = this.tl.store.db;
    const leaf = leafSource(start.type);
    if (leaf) {
      const parent = await leaf.parentOf(this.tl.store, start.id);
      const self = { ...start, depth: 0 };
      if (direction === 'downstream' || !parent || depth === 0) return { graph: { nodes: [self], edges: [], truncated: false }, counts: {}, leaves: {} };
      const [graph, counts] = await Promise.all([walk(db, parent, { direction, depth: depth - 1 }), countReachable(db, parent, { direction, depth: depth - 1 })]);
      const nodes = [self, ...graph.nodes.map((n) => ({ ...n, depth: n.depth + 1 }))];
      const edges = [{ from: start, relation: leaf.relation, to: parent }, ...graph.edges];
      return { graph: { ...graph, nodes, edges }, counts: { ...counts, [parent.type]: (counts[parent.type] ?? 0) + 1 }, leaves: {} };
    }
    const [graph, counts] = await Promise.all([walk(db, start, { direction, depth }), countReachable(db, start, { direction, depth })]);
    const leaves: Partial<Record<EntityType, LeafCount>> = {};
    if (direction === 'downstream') {
      for (const source of leafSources()) {
        const parentIds = graph.nodes.filter((n) => n.type === source.parentType).map((n) => n.id);
        if (parentIds.length === 0) continue;
        const found = await source.countUnder(this.tl.store, parentIds);
        leaves[source.type] = found;
        if (found.count > 0) counts[source.type] = found.count;
      }
    }
    return { graph, counts, leaves };
  }
}
