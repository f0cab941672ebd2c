import type { IdentityApi } from '../identity/api.js';
import { identityClient } from './identity-client.js';
import type { ThreadlineApi } from '../contract.js';
import type { LineageApi } from '../lineage/api.js';
import type { MlflowIngestApi } from '../ingest-mlflow/api.js';
import type { EventApi } from '../events/api.js';
import type { ObserverApi } from '../observe/api.js';
import type { RegistryApi } from '../registry/api.js';
import type { DeploymentApi, RollbackApi } from '../release/deploy/types.js';
import type { ImageApi } from '../release/image-types.js';
import type { PredictionApi } from '../serving/api.js';
import type { ValidationApi } from '../validate/api.js';
import { HttpTransport, type TransportOptions } from './http.js';
import { lineageClient } from './lineage-client.js';
import { observeClient } from './observe-client.js';
import { predictionClient } from './prediction-client.js';
import { registryClient } from './registry-client.js';
import { releaseClient } from './release-client.js';
import { trackingClient, type TrackingClient } from './tracking-client.js';

// The methods come from one file per domain (tracking-client.ts, registry-client.ts, …), assigned in the constructor.
export interface ThreadlineClient extends IdentityApi, TrackingClient, RegistryApi, LineageApi, PredictionApi, EventApi, ObserverApi, ValidationApi, MlflowIngestApi, ImageApi, DeploymentApi, RollbackApi {}

/**
 * Typed client for Threadline's native HTTP API: the ThreadlineApi contract, held to the embedded
 * API by one suite (test/contract/). Keeps connections alive across calls.
 *
 * @example
 * const tl = new ThreadlineClient(process.env.THREADLINE_URL!);
 * const runId = process.env.THREADLINE_RUN_ID!;
 * await tl.logMetric(runId, 'precision_at_10', 0.31);
 */
export class ThreadlineClient implements ThreadlineApi {
  readonly location: string;
  private readonly http: HttpTransport;

  constructor(baseUrl: string, options: TransportOptions = {}) {
    this.http = new HttpTransport(baseUrl, options);
    this.location = this.http.location;
    Object.assign(this, trackingClient(this.http), registryClient(this.http), lineageClient(this.http), predictionClient(this.http), observeClient(this.http), releaseClient(this.http), identityClient(this.http));
  }

  /**
   * @example
   * await tl.close(); // closes the connection pool
   */
  close(): Promise<void> {
    return this.http.close();
  }
}
