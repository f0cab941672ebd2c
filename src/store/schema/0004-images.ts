// OCI images of model versions (migration 0004).

/** OCI images built or recorded; `reference` (`<repository>@<manifest digest>`) is the identity. */
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

export interface ImageTables {
  images: ImagesTable;
}
