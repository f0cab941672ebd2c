import { findImages } from '../image-store.js';
import type { ImageFilter, ImageRecord, RecordImageInput } from '../image-types.js';
import { getImage, recordImage, type ImageRecordDeps } from './record-image.js';

/** Image records: list by model, version, run, reference or digest; show one; record one built here or elsewhere. */
export class ImageService {
  constructor(private readonly deps: ImageRecordDeps) {}

  list(filter: ImageFilter = {}): Promise<ImageRecord[]> {
    return findImages(this.deps.store.db, filter);
  }

  /** By `REPO@sha256:…`, or a bare digest (the newest one recorded with it). */
  get(id: string): Promise<ImageRecord> {
    return getImage(this.deps.store, id);
  }

  record(input: RecordImageInput | unknown): Promise<ImageRecord> {
    return recordImage(this.deps, input);
  }
}
