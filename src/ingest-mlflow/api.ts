import type { BackfillQuery, BackfillReport } from './types.js';

/** The MLflow ingest part of the ThreadlineApi contract. */
export interface MlflowIngestApi {
  /** Gives runs MLflow clients logged before ingest existed their code, data, environment and external ids; idempotent. */
  backfillMlflow(query?: BackfillQuery): Promise<BackfillReport>;
}
