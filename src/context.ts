import { openArtifactStore } from './artifacts/open.js';
import { registerMlflowDatasetLineage } from './ingest-mlflow/lineage.js';
import type { ArtifactStore } from './artifacts/types.js';
import type { ThreadlineConfig } from './config.js';
import { ensureHome } from './home.js';
import { EventService } from './events/event-service.js';
import { registerEventLineage } from './events/lineage.js';
import { registerValidationLineage, ValidationService } from './validate/validation-service.js';
import { registerLoggedModelLineage } from './registry/logged-models/lineage.js';
import { ModelService } from './registry/model-service.js';
import { registerDeploymentLineage } from './release/deploy/lineage.js';
import { registerImageLineage } from './release/image/lineage.js';
import { registerPredictionLineage } from './serving/lineage.js';
import { openStore, type Store } from './store/database.js';
import { ExperimentService } from './tracking/experiment-service.js';
import { LoggedModelService } from './registry/logged-models/logged-model-service.js';
import { RunService } from './tracking/run-service.js';
import { registerTrackingLineage } from './tracking/describe.js';
import { registerModelVersionLineage } from './registry/describe.js';
import { TraceService } from './lineage/trace.js';
import { MlflowIngest } from './ingest-mlflow/ingest-service.js';
import { OpenLineageService } from './openlineage/ingest-service.js';
import { openLineageInputLinker } from './openlineage/link-runs.js';
import { DeploymentLedger } from './release/deploy/deployment-ledger.js';
import { DeployService } from './release/deploy/deploy-service.js';
import { ImageService } from './release/image/image-service.js';
import { PredictionService } from './serving/prediction-service.js';
import { PredictionIngest } from './serving/ingest/ingest-service.js';
import { PredictionStore } from './serving/prediction-store.js';
import { SearchService } from './registry/search-filter/search-service.js';
import { AuditLog } from './identity/audit-log.js';
import { IdentityService } from './identity/identity-service.js';
import { LoginThrottle } from './identity/login-throttle.js';

/** Everything the shells need, opened once: the store, the artifact store and the services. */
export interface Threadline {
  store: Store;
  artifacts: ArtifactStore;
  experiments: ExperimentService;
  runs: RunService;
  models: ModelService;
  /** MLflow 3's LoggedModels: run → logged model → model version. */
  loggedModels: LoggedModelService;
  /** Observer events; alert rules listen here, whoever records (observers, API, validate). */
  events: EventService;
  predictions: PredictionService;
  /** Bulk ingest of predictions logged elsewhere (the middlewares, `POST /api/predictions:batch`). */
  predictionIngest: PredictionIngest;
  validations: ValidationService;
  images: ImageService;
  deployments: DeploymentLedger;
  traces: TraceService;
  openLineage: OpenLineageService;
  /** MLflow's filter grammar over runs and experiments (the MLflow routes' search). */
  search: SearchService;
  /** What MLflow clients send (tags, dataset inputs, logged models) turned into code, data and environment records. */
  mlflowIngest: MlflowIngest;
  /** Runs deployment targets here (a rollback asked of the server); `home` holds their files. */
  deployer: DeployService;
  /** The append-only record of every mutation: who, when, what, from what. */
  audit: AuditLog;
  /** Principals, tokens, grants and browser sessions. */
  identity: IdentityService;
  /** Failed logins, counted in the store so that every replica refuses a guesser alike. */
  logins: LoginThrottle;
  close(): Promise<void>;
}

/** With `home` (the CLI and server do), a home that the store lives in is created with a `.gitignore`. */
export async function openThreadline(config: Pick<ThreadlineConfig, 'databaseUrl' | 'artifactsUrl' | 's3'> & Partial<Pick<ThreadlineConfig, 'statementTimeoutMs'>> & { home?: string }): Promise<Threadline> {
  if (config.home) ensureHome({ ...config, home: config.home });
  registerImageLineage();
  registerDeploymentLineage();
  registerPredictionLineage();
  registerEventLineage();
  registerValidationLineage();
  registerLoggedModelLineage();
  registerMlflowDatasetLineage();
  registerTrackingLineage();
  registerModelVersionLineage();
  const store = await openStore(config.databaseUrl, { statementTimeoutMs: config.statementTimeoutMs });
  const artifacts = openArtifactStore(config);
  // One audit log for every domain service: each mutation writes its record there.
  const audit = new AuditLog(store);
  const runs = new RunService(store, openLineageInputLinker(store), audit);
  const readBlob = (digest: string) => artifacts.readBytes(digest);
  const loggedModels = new LoggedModelService(store, runs);
  const experiments = new ExperimentService(store, audit);
  const models = new ModelService(store, runs, readBlob, loggedModels, audit);
  const events = new EventService(store);
  const deployments = new DeploymentLedger({ store, runs, models }, audit);
  return {
    store,
    artifacts,
    experiments,
    runs,
    models,
    loggedModels,
    events,
    predictions: new PredictionService(store, audit),
    predictionIngest: new PredictionIngest(new PredictionStore(store)),
    validations: new ValidationService(store, events),
    images: new ImageService({ store, models, runs }, audit),
    deployments,
    traces: new TraceService({ store, models }),
    openLineage: new OpenLineageService(store),
    mlflowIngest: new MlflowIngest({ store, runs, artifacts }),
    search: new SearchService(store, { summaries: (ids) => runs.summaries(ids), activeExperiments: () => experiments.list('active') }),
    deployer: new DeployService(deployments, config.home ?? '.threadline'),
    audit,
    identity: new IdentityService(store, audit),
    logins: new LoginThrottle(store),
    async close() {
      await artifacts.close?.();
      await store.close();
    },
  };
}
