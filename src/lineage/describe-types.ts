import type { Kysely } from 'kysely';
import type { ModelService } from '../registry/model-service.js';
import type { Database } from '../store/schema.js';
import type { ExperimentService } from '../tracking/experiment-service.js';
import type { RunService } from '../tracking/run-service.js';

/** What a describer may read: its own file, so that the describers and their registry import it one way. */
export interface DescribeContext {
  db: Kysely<Database>;
  runs: RunService;
  experiments: ExperimentService;
  models: ModelService;
}

export interface Description {
  summary: string;
  facts: Record<string, unknown>;
}

/** Loads the key facts of many entities of one type at once (a trace can hold hundreds of runs). */
export type Describer = (ctx: DescribeContext, ids: string[]) => Promise<Map<string, Description>>;
