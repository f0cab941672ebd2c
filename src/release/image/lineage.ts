import { registerDescriber, type Describer, type Description } from '../../lineage/describe.js';
import { registerResolver, type Resolver } from '../../lineage/resolve.js';
import { findImages } from '../image-store.js';
import { digestPattern } from './reference.js';

/**
 * `trace REGISTRY/NAME@sha256:…` and `trace REGISTRY/NAME:TAG`: an image Threadline recorded.
 * A tag can name several recorded images over time (rebuilds, `latest`): the newest is meant.
 */
export const imageResolver: Resolver = {
  kind: 'image (REGISTRY/NAME@sha256:… or REGISTRY/NAME:TAG)',
  accepts: (id) => /^[^\s@]+\/[^\s@]+(@sha256:[0-9a-f]{64}|:[A-Za-z0-9_][A-Za-z0-9._-]*)$/.test(id) && !id.startsWith('runs:'),
  async find(id, ctx) {
    const at = id.indexOf('@');
    if (at >= 0) {
      if (!digestPattern.test(id.slice(at + 1))) return [];
      return (await findImages(ctx.db, { reference: id })).map((i) => ({ ref: { type: 'image' as const, id: i.reference }, note: `image ${i.reference}` }));
    }
    const colon = id.lastIndexOf(':');
    const [repository, tag] = [id.slice(0, colon), id.slice(colon + 1)];
    const newest = (await findImages(ctx.db)).find((i) => i.repository === repository && i.tag === tag);
    return newest ? [{ ref: { type: 'image', id: newest.reference }, note: `image ${newest.reference} (tag ${tag})` }] : [];
  },
};

export const describeImages: Describer = async (ctx, ids) => {
  const out = new Map<string, Description>();
  for (const id of ids) {
    const [image] = await findImages(ctx.db, { reference: id });
    if (!image) continue;
    const facts = { reference: image.reference, tag: image.tag, model: image.modelName ? `${image.modelName}/${image.modelVersion}` : null, runId: image.runId, gitSha: image.gitSha, pushed: image.pushed, labels: image.labels };
    out.set(id, { summary: `${image.reference}${image.tag ? `  (tag ${image.tag})` : ''}${image.pushed ? '' : '  not pushed'}`, facts });
  }
  return out;
};

/** Lets `trace` read image ids and describe image nodes; idempotent. */
export function registerImageLineage(): void {
  registerResolver(imageResolver);
  registerDescriber('image', describeImages);
}
