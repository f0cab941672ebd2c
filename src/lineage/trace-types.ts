import type { LeafCount } from './leaves.js';
import type { Edge, EntityRef, EntityType } from './types.js';
import type { Direction } from './walk.js';

export type { Direction };

/** An entity on a trace, with what is worth showing about it. */
export interface TraceNode extends EntityRef {
  /** Fewest edges from the traced entity (0 for itself). */
  depth: number;
  /** One line of key facts, as the text output shows it: `reco v2  (alias champion)  artifact sha256:41ab…`. */
  summary: string;
  /** The same facts, structured, for JSON consumers. */
  facts: Record<string, unknown>;
}

/** What `threadline trace` and `GET /api/lineage/trace` answer; formatters work on this alone. */
export interface TraceResult {
  start: EntityRef;
  direction: Direction;
  depth: number;
  nodes: TraceNode[];
  edges: Edge[];
  /** Distinct entities reached, by type, the start left out: "2 runs, 1 model_version". */
  counts: Partial<Record<EntityType, number>>;
  /** True when there were more nodes than were loaded; counts are complete regardless. */
  truncated: boolean;
  /** Downstream only: entities linked by a column (predictions) under the reached parents, with their time window. */
  leaves?: Partial<Record<EntityType, LeafCount>>;
}

export interface TraceOptions {
  direction?: Direction;
  /** Edges to follow from the start: default 10, at most 50. */
  depth?: number;
  /** Only entities of this type may match the id (`trace run 3f9d2c`): run, commit, data, env, model, artifact… */
  type?: string;
}
