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
  /**
   * Changed files left out of the patch: credentials (`.env`, keys: path only) and untracked
   * files over the size caps (path, size, sha256). Absent when none were.
   */
  omitted?: OmittedFile[];
}

export interface OmittedFile {
  /** Relative to the repository root, `/`-separated. */
  path: string;
  reason: 'secret' | 'too-large';
  size?: number;
  /** `sha256:` of the content, for files left out for their size. */
  digest?: string;
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
  /** The md5 a DVC pointer (`.dvc`, `dvc.lock`) records for this file, when it matches the content. */
  dvcMd5?: string;
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
