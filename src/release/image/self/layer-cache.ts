import fs from 'node:fs';
import type { BuiltLayer } from '../layer.js';
import type { OciLayout } from '../layout.js';

/**
 * A layer kept in a folder of its own (`layer.json` and the blob) and copied into each layout
 * that needs it: packing a root filesystem again gives the same bytes, only slower.
 */
export async function cachedLayer(dir: string, layout: OciLayout, write: () => Promise<BuiltLayer>): Promise<BuiltLayer> {
  const meta = `${dir}/layer.json`;
  if (fs.existsSync(meta)) {
    const layer = JSON.parse(fs.readFileSync(meta, 'utf8')) as BuiltLayer;
    const blob = `${dir}/${layer.descriptor.digest.slice('sha256:'.length)}`;
    if (fs.existsSync(blob) && fs.statSync(blob).size === layer.descriptor.size) {
      await fs.promises.copyFile(blob, layout.blobPath(layer.descriptor.digest));
      return layer;
    }
  }
  const layer = await write();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  await fs.promises.copyFile(layout.blobPath(layer.descriptor.digest), `${dir}/${layer.descriptor.digest.slice('sha256:'.length)}`);
  // Written last: a cache without it is rebuilt.
  fs.writeFileSync(`${meta}.tmp`, JSON.stringify(layer));
  fs.renameSync(`${meta}.tmp`, meta);
  return layer;
}
