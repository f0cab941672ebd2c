import type { EntityRef } from '../../src/lineage/types.js';

/** The page of an entity: its own page when it has one, else its lineage graph. */
export function pageOf(ref: EntityRef): string {
  switch (ref.type) {
    case 'prediction':
      return `/predictions/${encodeURIComponent(ref.id)}`;
    case 'run':
      return `/runs/${encodeURIComponent(ref.id)}`;
    case 'model_version': {
      const slash = ref.id.lastIndexOf('/');
      return `/models/${encodeURIComponent(ref.id.slice(0, slash))}?version=${ref.id.slice(slash + 1)}`;
    }
    case 'deployment':
      return `/deployments/${encodeURIComponent(ref.id.split('#')[0]!)}?focus=${encodeURIComponent(ref.id)}`;
    default:
      return lineageOf(ref);
  }
}

/** The lineage graph grown from an entity. */
export function lineageOf(ref: EntityRef, depth = 2): string {
  return `/lineage/${ref.type}/${encodeURIComponent(ref.id)}?depth=${depth}`;
}
