import type { BlobInfo } from '../artifacts/types.js';
import type { CodeVersion, DataVersion, Environment } from '../capture/types.js';
import type { CreateRunInput, EndStaleRunsInput, Experiment, LifecycleStage, ListRunsQuery, LogBatchInput, Metric, Run, RunArtifact, RunInfo, UpdateRunInput } from './types.js';

/** Experiments, runs, their provenance, blobs and artifacts: the tracking part of the ThreadlineApi contract. */
export interface TrackingApi {
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
}
