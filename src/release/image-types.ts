/** The `images` table as Kysely sees it (migration 0004); added to the database with `withTables`. */
export interface ImagesTable {
  /** `<repository>@<manifest digest>`: the image's identity and its lineage id. */
  reference: string;
  /** Registry host and name, e.g. `127.0.0.1:5000/amazon-recommender`. */
  repository: string;
  /** Manifest digest `sha256:…`. */
  digest: string;
  tag: string | null;
  model_name: string | null;
  model_version: number | null;
  run_id: string | null;
  git_sha: string | null;
  /** JSON object of the image's labels. */
  labels: string;
  layout_path: string | null;
  /** 0/1: whether Threadline pushed it (or it was recorded as already in a registry). */
  pushed: number;
  created_at: number;
}

/** An OCI image Threadline built or was told about, and the model version it carries. */
export interface ImageRecord {
  reference: string;
  repository: string;
  digest: string;
  tag: string | null;
  modelName: string | null;
  modelVersion: number | null;
  runId: string | null;
  gitSha: string | null;
  labels: Record<string, string>;
  layoutPath: string | null;
  pushed: boolean;
  createdAt: number;
}

export interface ImageFilter {
  modelName?: string;
  modelVersion?: number;
  runId?: string;
  reference?: string;
}
