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
  digest?: string;
}

/**
 * An image to record as carrying a model version: one built elsewhere (`image record`), or one a
 * client just built (`image build` against a server), which also reports its tag, labels, layout.
 */
export interface RecordImageInput {
  /** `REPOSITORY[:TAG]@sha256:<digest>`. */
  reference: string;
  /** `NAME/VERSION` or `NAME@ALIAS`. */
  model: string;
  /** Default: the tag in the reference, if any. */
  tag?: string | null;
  labels?: Record<string, string>;
  /** Where the builder wrote the OCI layout (on its machine). */
  layoutPath?: string | null;
  /** Whether it is in the registry; default true (recorded images were pushed by someone). */
  pushed?: boolean;
}

/** Images as recorded: part of the ThreadlineApi contract (embedded, or over HTTP). */
export interface ImageApi {
  /** Recorded images matching every given field, newest first. */
  listImages(filter?: ImageFilter): Promise<ImageRecord[]>;
  /** By `REPO@sha256:…` or a bare digest `sha256:…` (the newest image with it). NOT_FOUND when absent. */
  getImage(referenceOrDigest: string): Promise<ImageRecord>;
  /** Records an image as carrying a model version (with its `packages` edge). */
  recordImage(input: RecordImageInput): Promise<ImageRecord>;
}
