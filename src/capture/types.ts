/** What a run ran on, as captured before (code, environment) and around (data) its command. */

export interface CodeVersion {
  /** `sha256:` over repo identity, commit and patch digest: the same checkout gives the same id. */
  id: string;
  repoRoot: string;
  /** Remote URL with any user-info (credentials) removed; null when the repo has no remote. */
  remoteUrl: string | null;
  commitSha: string;
  branch: string | null;
  dirty: boolean;
  /** Digest of the uncommitted changes (`git diff HEAD` plus untracked files), stored as a blob. */
  patchDigest: string | null;
}

export interface LockfileDigest {
  path: string;
  digest: string;
}

export interface Environment {
  /** `sha256:` over the canonical JSON of everything below. */
  digest: string;
  os: string;
  osRelease: string;
  arch: string;
  runtimes: Record<string, string>;
  lockfiles: LockfileDigest[];
  /** `name==version` lines from `python3 -m pip freeze` when python is on PATH. */
  pythonPackages: string[] | null;
  containerImageDigest: string | null;
  /** Names of all environment variables; values only for allow-listed, non-secret names. */
  envVarNames: string[];
  envVars: Record<string, string>;
}

export interface DataFile {
  path: string;
  size: number;
  digest: string;
}

export interface ColumnSchema {
  name: string;
  type: string;
}

export interface DataVersion {
  /** `sha256:` over the manifest (sorted paths, sizes and file digests). */
  digest: string;
  uri: string;
  format: 'csv' | 'jsonl' | 'parquet' | 'mixed' | 'other';
  files: DataFile[];
  totalSize: number;
  rowCount: number | null;
  schema: ColumnSchema[] | null;
}

/** Ids given by the CI system or orchestrator that launched the run, e.g. github.run_id. */
export interface ExternalIds {
  system: 'github' | 'gitlab' | 'databricks' | 'airflow';
  ids: Record<string, string>;
}
