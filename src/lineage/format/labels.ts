import type { EntityType } from '../types.js';

/** The word each entity type goes by on a trace line (DESIGN.md's `model`, `env`, …). */
export const typeLabels: Record<EntityType, string> = {
  prediction: 'prediction',
  deployment: 'deployment',
  image: 'image',
  model_version: 'model',
  // MLflow 3's LoggedModel; the one label longer than the column (text.ts keeps a space after it).
  logged_model: 'logged model',
  run: 'run',
  experiment: 'experiment',
  code: 'code',
  data: 'data',
  environment: 'env',
  artifact: 'artifact',
  job: 'job',
  ol_run: 'ol-run',
  dataset: 'dataset',
  event: 'event',
  validation: 'validation',
};

const plurals: Record<EntityType, [string, string]> = {
  prediction: ['prediction', 'predictions'],
  deployment: ['deployment', 'deployments'],
  image: ['image', 'images'],
  model_version: ['model version', 'model versions'],
  logged_model: ['logged model', 'logged models'],
  run: ['run', 'runs'],
  experiment: ['experiment', 'experiments'],
  code: ['code version', 'code versions'],
  data: ['data version', 'data versions'],
  environment: ['environment', 'environments'],
  artifact: ['artifact', 'artifacts'],
  job: ['job', 'jobs'],
  ol_run: ['OpenLineage run', 'OpenLineage runs'],
  dataset: ['dataset', 'datasets'],
  event: ['event', 'events'],
  validation: ['validation', 'validations'],
};

export function labelOf(type: string): string {
  return typeLabels[type as EntityType] ?? type;
}

/** `3 runs, 1 model version`, in the order given. */
export function countPhrase(counts: Partial<Record<string, number>>, order: readonly string[]): string {
  const types = [...order.filter((t) => counts[t] !== undefined), ...Object.keys(counts).filter((t) => !order.includes(t)).sort()];
  return types
    .map((t) => {
      const n = counts[t]!;
      const [one, many] = plurals[t as EntityType] ?? [t, t];
      return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
    })
    .join(', ');
}
