import type { CodeVersion, DataVersion, Environment } from '../capture/types.js';

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
export const runStatuses: readonly RunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];
export type LifecycleStage = 'active' | 'deleted';

export interface Experiment {
  experimentId: string;
  name: string;
  artifactLocation: string;
  lifecycleStage: LifecycleStage;
  creationTime: number;
  lastUpdateTime: number;
  tags: Record<string, string>;
}

export interface Metric {
  key: string;
  value: number;
  /** Epoch milliseconds. */
  timestamp: number;
  step: number;
}

export interface Param {
  key: string;
  value: string;
}

export interface Tag {
  key: string;
  value: string;
}

export interface RunInput {
  direction: 'input' | 'output';
  kind: 'data' | 'artifact';
  /** The path or name as the user gave it. */
  name: string;
  /** DataVersion digest or blob digest. */
  ref: string;
}

export interface RunArtifact {
  path: string;
  digest: string;
  size: number;
  mediaType: string | null;
}

export interface RunInfo {
  runId: string;
  experimentId: string;
  name: string;
  status: RunStatus;
  userId: string;
  startTime: number;
  endTime: number | null;
  lifecycleStage: LifecycleStage;
  artifactUri: string;
  command: string[] | null;
  workingDir: string | null;
  exitCode: number | null;
  codeVersionId: string | null;
  environmentDigest: string | null;
}

export interface Run {
  info: RunInfo;
  params: Record<string, string>;
  /** Latest value of each metric. */
  metrics: Record<string, Metric>;
  tags: Record<string, string>;
  io: RunInput[];
  artifacts: RunArtifact[];
  code: CodeVersion | null;
  environment: Environment | null;
}

/** A run without its provenance: what search results carry. */
export type RunSummary = Pick<Run, 'info' | 'params' | 'metrics' | 'tags'>;

export interface CreateRunInput {
  experimentId?: string;
  name?: string;
  userId?: string;
  startTime?: number;
  tags?: Record<string, string>;
  command?: string[];
  workingDir?: string;
  status?: RunStatus;
  /** The client will heartbeat the run: a run whose heartbeats stop is ended by the reaper. */
  heartbeat?: boolean;
}

/** Which RUNNING runs to end as stale, and why. */
export interface EndStaleRunsInput {
  /** Runs with no heartbeat (or, with `includeUnmonitored`, no start) for this long. */
  olderThanMs: number;
  /** Also end runs that never beat (MLflow clients), judged by their start time. */
  includeUnmonitored?: boolean;
}

export interface UpdateRunInput {
  status?: RunStatus;
  endTime?: number;
  name?: string;
  exitCode?: number;
}

export interface LogBatchInput {
  metrics?: Metric[];
  params?: Param[];
  tags?: Tag[];
}

export interface ListRunsQuery {
  experimentIds?: string[];
  lifecycle?: LifecycleStage | 'all';
  limit?: number;
}

export type { CodeVersion, DataVersion, Environment };
