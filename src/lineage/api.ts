import type { TraceOptions, TraceResult } from './trace-types.js';

/** The lineage part of the ThreadlineApi contract. */
export interface LineageApi {
  /** The lineage thread from an id (run, commit, digest, `model@alias`…), upstream by default. */
  trace(id: string, options?: TraceOptions): Promise<TraceResult>;
}
