import type { BlobInfo } from '../artifacts/types.js';
import type { CodeVersion, DataVersion, Environment } from '../capture/types.js';
import type { Experiment, Metric, Run, RunArtifact, RunInfo } from '../tracking/types.js';

/** The contract, re-exported for SDK users: each domain declares its part (src/contract.ts). */
export type { ThreadlineApi } from '../contract.js';
export type { TrackingApi } from '../tracking/api.js';
export type { RegistryApi } from '../registry/api.js';
export type { LineageApi } from '../lineage/api.js';
export type { PredictionApi } from '../serving/api.js';
export type { EventApi } from '../events/api.js';
export type { ObserverApi } from '../observe/api.js';
export type { ObserverHealth } from '../observe/state-store.js';
export type { ValidationApi } from '../validate/api.js';
export type { MlflowIngestApi } from '../ingest-mlflow/api.js';
export type { IdentityApi, WhoAmI } from '../identity/api.js';
export type { ApiTokenInfo, AuditRecord, CreatedToken, Grant, ListAuditQuery, Permission, Principal, PrincipalKind, ResourceType, Role, Scope } from '../identity/types.js';
export type { TraceOptions, TraceResult } from '../lineage/trace-types.js';
export type { Deployment, DeploymentApi, DeploySubject, RecordDeploymentInput, RollbackPlan, UpdateDeploymentInput } from '../release/deploy/types.js';
export type { ImageApi, ImageFilter, ImageRecord, RecordImageInput } from '../release/image-types.js';
export type { AliasMove, CreateModelInput, CreateVersionInput, ModelVersion, Page, RegisterInput, RegisteredModel, SearchInput } from '../registry/types.js';
export type { EventInput, ListEventsQuery, ObserverEvent } from '../events/types.js';
export type { ExpectationResult, ListValidationsQuery, RecordValidationInput, SuiteResult, Validation } from '../validate/types.js';
export type { Feedback, FeedbackImport, ListPredictionsQuery, Prediction, PredictionDetail } from '../serving/types.js';
export type { LoggedModel, LoggedModelFile } from '../registry/logged-models/types.js';
export type { BackfillQuery, BackfillReport } from '../ingest-mlflow/types.js';
export type { BlobInfo, CodeVersion, DataVersion, Environment, Experiment, Metric, Run, RunArtifact, RunInfo };
