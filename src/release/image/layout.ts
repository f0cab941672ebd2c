import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Descriptor } from './media-types.js';
import { mediaTypes } from './media-types.js';

/**
 * An OCI image layout folder (`oci-layout`, `index.json`, `blobs/sha256/…`), which skopeo,
 * crane, buildah and containerd read as `oci:<dir>`.
 */
export class OciLayout {
  constructor(readonly dir: string) {}

  async init(): Promise<void> {
    await fs.mkdir(path.join(this.dir, 'blobs', 'sha256'), { recursive: true });
    await fs.writeFile(path.join(this.dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  }

  blobPath(digest: string): string {
    return path.join(this.dir, 'blobs', 'sha256', digest.replace(/^sha256:/, ''));
  }

  /** Small blobs (config, manifest) from memory. */
  async writeBlob(bytes: Buffer, mediaType: string): Promise<Descriptor> {
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    await fs.writeFile(this.blobPath(digest), bytes);
    return { mediaType, digest, size: bytes.length };
  }

  /** A finished temp file (in this layout) moved to its content address. */
  async adoptFile(tempFile: string, digest: string): Promise<void> {
    await fs.rename(tempFile, this.blobPath(digest));
  }

  tempPath(name: string): string {
    return path.join(this.dir, 'blobs', `.${name}-${process.pid}-${Date.now()}.tmp`);
  }

  async readBlob(digest: string): Promise<Buffer> {
    return fs.readFile(this.blobPath(digest));
  }

  /** `index.json` naming the one manifest, tagged for `oci:<dir>:<tag>`. */
  async writeIndex(manifest: Descriptor, tag: string): Promise<void> {
    const index = {
      schemaVersion: 2,
      mediaType: mediaTypes.index,
      manifests: [{ ...manifest, annotations: { 'org.opencontainers.image.ref.name': tag } }],
    };
    await fs.writeFile(path.join(this.dir, 'index.json'), JSON.stringify(index));
  }
}
