import { createHash } from 'node:crypto';

/**
 * MLflow dataset inputs (LogInputs) have no table of their own in Threadline: each one is kept
 * as a run tag `mlflow.dataset.<16 hex of sha256(name, digest)>` holding the DatasetInput as
 * JSON. Hashing keeps the key within MLflow's key alphabet whatever the dataset name, and makes
 * logging the same dataset twice idempotent, as MLflow does. The MLflow shape hides these tags
 * from `data.tags` and shows them under `inputs.dataset_inputs`; native clients see the tags.
 */
export const datasetTagPrefix = 'mlflow.dataset.';

export interface MlflowDataset {
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema?: string;
  profile?: string;
}

export interface MlflowDatasetInput {
  tags?: { key: string; value: string }[];
  dataset: MlflowDataset;
}

export function datasetTagKey(dataset: Pick<MlflowDataset, 'name' | 'digest'>): string {
  return datasetTagPrefix + createHash('sha256').update(`${dataset.name}\n${dataset.digest}`).digest('hex').slice(0, 16);
}

export function isDatasetTag(key: string): boolean {
  return key.startsWith(datasetTagPrefix);
}

/** The inputs recorded in a run's tags; a tag that is not one of ours is skipped, not fatal. */
export function datasetInputsFromTags(tags: Record<string, string>): MlflowDatasetInput[] {
  const inputs: MlflowDatasetInput[] = [];
  for (const [key, value] of Object.entries(tags)) {
    if (!isDatasetTag(key)) continue;
    try {
      const parsed = JSON.parse(value) as MlflowDatasetInput;
      if (parsed && typeof parsed.dataset?.name === 'string') inputs.push(parsed);
    } catch {
      // A user's own tag that happens to share the prefix.
    }
  }
  return inputs;
}
