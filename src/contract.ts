import type { IdentityApi } from './identity/api.js';
import type { MlflowIngestApi } from './ingest-mlflow/api.js';
import type { LineageApi } from './lineage/api.js';
import type { EventApi } from './events/api.js';
import type { ObserverApi } from './observe/api.js';
import type { RegistryApi } from './registry/api.js';
import type { DeploymentApi, RollbackApi } from './release/deploy/types.js';
import type { ImageApi } from './release/image-types.js';
import type { PredictionApi } from './serving/api.js';
import type { TrackingApi } from './tracking/api.js';
import type { ValidationApi } from './validate/api.js';

/**
 * What the CLI, the web UI and user code can ask of Threadline: one contract, each part declared
 * by its domain. Two implementations, held to it by one suite (test/contract/): the embedded
 * one over `.threadline/` (src/cli/embedded-api.ts) and the SDK's HTTP client (src/sdk/client.ts)
 * against the server's native routes. Domain code takes the part it needs, never this whole.
 */
export interface ThreadlineApi extends TrackingApi, RegistryApi, LineageApi, PredictionApi, EventApi, ObserverApi, ValidationApi, MlflowIngestApi, ImageApi, DeploymentApi, RollbackApi, IdentityApi {
  /** Where this talks to: a server URL, or the embedded home folder. */
  readonly location: string;
  close(): Promise<void>;
}
