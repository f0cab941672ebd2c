import type { AuditSink } from '../../identity/audit-log.js';
import { findImages } from '../image-store.js';
import type { ImageFilter, ImageRecord, RecordImageInput } from '../image-types.js';
import { getImage, recordImage, type ImageRecordDeps } from './record-image.js';

/** Image records: list by model, version, run, reference or digest; show one; record one built here or elsewhere. */
export class ImageService {
  constructor(
    private readonly deps: ImageRecordDeps,
    private readonly audit: AuditSink,
  ) {}

  list(filter: ImageFilter = {}): Promise<ImageRecord[]> {
    return findImages(this.deps.store.db, filter);
  }

  /** By `REPO@sha256:…`, or a bare digest (the newest one recorded with it). */
  get(id: string): Promise<ImageRecord> {
    return getImage(this.deps.store, id);
  }

  async record(input: RecordImageInput | unknown): Promise<ImageRecord> {
    const image = await recordImage(this.deps, input);
    await this.audit.record({ action: 'image.record', subjectType: 'image', subjectId: image.reference, after: { model: image.modelName === null ? null : `${image.modelName}/${image.modelVersion}`, run_id: image.runId } });
    return image;
  }
}
