import type { BlobInfo } from '../artifacts/types.js';
import type { CodeVersion, DataVersion, Environment } from '../capture/types.js';
import type { BackfillQuery, BackfillReport } from '../ingest-mlflow/types.js';
import type { TraceOptions, TraceResult } from '../lineage/trace-types.js';
import type { EventInput, ListEventsQuery, ObserverEvent } from '../observe/events/types.js';
import type { ListValidationsQuery, RecordValidationInput, Validation } from '../validate/types.js';
import type { Feedback, FeedbackImport, ListPredictionsQuery, Prediction, PredictionDetail } from '../serving/types.js';
import type { DeploymentApi } from '../release/deploy/types.js';
import type { ImageApi } from '../release/image-types.js';
import type { LoggedModel } from '../registry/logged-models/types.js';
import type { AliasMove, CreateModelInput, CreateVersionInput, ModelVersion, Page, RegisterInput, RegisteredModel, SearchInput } from '../registry/types.js';
import type { CreateRunInput, EndStaleRunsInput, Experiment, LifecycleStage, ListRunsQuery, LogBatchInput, Metric, Run, RunArtifact, RunInfo, UpdateRunInput } from '../tracking/types.js';

/**
 * What the CLI and user code can ask of Threadline. Two implementations: the HTTP client
 * (`ThreadlineClient`, for a server at THREADLINE_URL) and the embedded one over `.threadline/`.
 * Images and deployments: `ImageApi` and `DeploymentApi` (in src/release), part of this contract.
 */
export interface ThreadlineApi extends ImageApi, DeploymentApi {
  /** Where this talks to: a server URL, or the embedded home folder. */
  readonly location: string;
  ensureExperiment(name: string): Promise<Experiment>;
  listExperiments(view?: LifecycleStage | 'all'): Promise<Experiment[]>;
  createRun(input: CreateRunInput & { experimentName?: string }): Promise<RunInfo>;
  getRun(runIdOrPrefix: string): Promise<Run>;
  listRuns(query?: ListRunsQuery): Promise<RunInfo[]>;
  updateRun(runId: string, changes: UpdateRunInput): Promise<RunInfo>;
  logBatch(runId: string, batch: LogBatchInput): Promise<void>;
  /** The run's writer is alive; `running` is false once the run ended (or was reaped). */
  heartbeatRun(runId: string): Promise<{ running: boolean }>;
  /** Ends RUNNING runs whose writer stopped heartbeating (`threadline runs gc`); their ids. */
  endStaleRuns(input: EndStaleRunsInput): Promise<string[]>;
  metricHistory(runId: string, key: string): Promise<Metric[]>;
  recordCode(runId: string, code: CodeVersion): Promise<void>;
  recordEnvironment(runId: string, environment: Environment): Promise<void>;
  recordData(runId: string, direction: 'input' | 'output', name: string, data: DataVersion): Promise<void>;
  /** Stores bytes, or a stream of any size (sent as it is read), as a blob. */
  putBlob(bytes: Uint8Array | string | NodeJS.ReadableStream): Promise<BlobInfo>;
  /** A stored blob's bytes (small blobs: patches, manifests). NOT_FOUND when absent. */
  readBlob(digest: string): Promise<Buffer>;
  /** A stored blob's bytes as a stream (model files of any size). NOT_FOUND when absent. */
  openBlob(digest: string): Promise<NodeJS.ReadableStream>;
  getDataVersion(digest: string): Promise<DataVersion>;
  uploadArtifact(runId: string, path: string, filePath: string, mediaType?: string): Promise<RunArtifact>;
  listArtifacts(runId: string): Promise<RunArtifact[]>;
  createModel(input: CreateModelInput): Promise<RegisteredModel>;
  getModel(name: string): Promise<RegisteredModel>;
  searchModels(search?: SearchInput): Promise<Page<RegisteredModel>>;
  /** A run's artifact path as the model's next version; the model is created when missing. */
  registerModel(input: RegisterInput): Promise<ModelVersion>;
  createModelVersion(input: CreateVersionInput): Promise<ModelVersion>;
  getModelVersion(name: string, version: number | string): Promise<ModelVersion>;
  /** `name@alias`, `name/3`, `name/Production` or `name` (its latest version). */
  resolveModel(ref: string): Promise<ModelVersion>;
  searchModelVersions(search?: SearchInput): Promise<Page<ModelVersion>>;
  /** An MLflow 3 logged model (`m-…`) with its files, params, tags and metrics. NOT_FOUND when absent or deleted. */
  getLoggedModel(modelId: string): Promise<LoggedModel>;
  setModelAlias(name: string, alias: string, version: number | string, actor?: string): Promise<ModelVersion>;
  deleteModelAlias(name: string, alias: string, actor?: string): Promise<void>;
  modelHistory(name: string): Promise<AliasMove[]>;
  /** The lineage thread from an id (run, commit, digest, `model@alias`…), upstream by default. */
  trace(id: string, options?: TraceOptions): Promise<TraceResult>;
  /** The prediction log, newest first. */
  listPredictions(query?: ListPredictionsQuery): Promise<Prediction[]>;
  /** A prediction with its request, response, latency, status and feedback. NOT_FOUND when absent. */
  getPrediction(id: string): Promise<PredictionDetail>;
  /** Ground truth for a prediction: `{label}` (or `value`, or any object). */
  recordFeedback(predictionId: string, feedback: unknown): Promise<Feedback>;
  /** A JSONL or CSV file of feedback (`prediction_id` plus label); unknown ids are counted, not fatal. */
  importFeedback(filePath: string): Promise<FeedbackImport>;
  /** Records an observer event (stage, kind, severity, summary, subjects, details). */
  recordEvent(event: EventInput): Promise<ObserverEvent>;
  /** Events, newest first. */
  listEvents(query?: ListEventsQuery): Promise<ObserverEvent[]>;
  /** One event with its subjects. NOT_FOUND when absent. */
  getEvent(id: string): Promise<ObserverEvent>;
  /** Records an expectation suite's result on a data version (computed next to the data); its event too. */
  recordValidation(input: RecordValidationInput): Promise<Validation>;
  /** Recorded validations, newest first; `data` is a data version digest. */
  listValidations(query?: ListValidationsQuery): Promise<Validation[]>;
  getValidation(id: string): Promise<Validation>;
  /** Gives runs MLflow clients logged before ingest existed their code, data, environment and external ids; idempotent. */
  backfillMlflow(query?: BackfillQuery): Promise<BackfillReport>;
  close(): Promise<void>;
}

export type { Deployment, DeploymentApi, DeploySubject, RecordDeploymentInput, RollbackPlan, UpdateDeploymentInput } from '../release/deploy/types.js';
export type { ImageApi, ImageFilter, ImageRecord, RecordImageInput } from '../release/image-types.js';
export type { AliasMove, CreateModelInput, CreateVersionInput, ModelVersion, Page, RegisterInput, RegisteredModel, SearchInput } from '../registry/types.js';
export type { EventInput, ListEventsQuery, ObserverEvent } from '../observe/events/types.js';
export type { ExpectationResult, ListValidationsQuery, RecordValidationInput, SuiteResult, Validation } from '../validate/types.js';
export type { Feedback, FeedbackImport, ListPredictionsQuery, Prediction, PredictionDetail } from '../serving/types.js';
export type { LoggedModel, LoggedModelFile } from '../registry/logged-models/types.js';
export type { BackfillQuery, BackfillReport } from '../ingest-mlflow/types.js';
export type { BlobInfo, CodeVersion, DataVersion, Environment, Experiment, Metric, Run, RunArtifact, RunInfo };
