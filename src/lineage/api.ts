import type { TraceOptions, TraceResult } from './trace-types.js';

/** The formats `threadline trace --format` prints besides JSON. */
export type TraceTextFormat = 'text' | 'dot' | 'mermaid';

/** The lineage part of the ThreadlineApi contract. */
export interface LineageApi {
  /** The lineage thread from an id (run, commit, digest, `model@alias`…), upstream by default. */
  trace(id: string, options?: TraceOptions): Promise<TraceResult>;
  /** The same thread as `threadline trace --format text|dot|mermaid` prints it. */
  formatTrace(id: string, format: TraceTextFormat, options?: TraceOptions): Promise<string>;
}
