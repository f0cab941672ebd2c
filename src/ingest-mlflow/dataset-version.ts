import { digestJson } from '../capture/canonical.js';
import type { ColumnSchema, DataVersion } from '../capture/types.js';
import type { MlflowDatasetInput } from './dataset-inputs.js';
import { readableSource, redactSource, type ReadableSource } from './dataset-source.js';
import { mlflowTags } from './tag-names.js';

/** What MLflow said about a dataset, kept next to the data version it became. */
export interface MlflowDatasetRecord {
  dataDigest: string;
  mlflowDigest: string;
  name: string;
  sourceType: string;
  /** The source JSON, credentials removed. */
  source: string;
  sourceUri: string;
  sourceName: string;
  profile: string | null;
}

export interface IngestedDataset {
  data: DataVersion;
  record: MlflowDatasetRecord;
  /** The run input's name: `<context>/<dataset name>@<mlflow digest>` (context when MLflow gave one). */
  inputName: string;
  context: string | null;
}

/**
 * A logged dataset input as a DataVersion. Its identity is sha256 over MLflow's digest and the
 * readable source, so the same table version logged by many runs is one data version, and two
 * tables with equal content are two. MLflow sends no files: the version has none, its rows come
 * from the profile's `num_rows`, its columns from the `mlflow_colspec` schema.
 */
export function dataVersionFromDataset(input: MlflowDatasetInput): IngestedDataset {
  const { dataset } = input;
  const source: ReadableSource = readableSource(dataset.source_type, dataset.source);
  const digest = digestJson({ mlflowDigest: dataset.digest, source: source.uri });
  const data: DataVersion = {
    digest,
    uri: source.uri,
    format: 'other',
    files: [],
    totalSize: 0,
    rowCount: rowsOf(dataset.profile),
    schema: columnsOf(dataset.schema),
  };
  const context = input.tags?.find((tag) => tag.key === mlflowTags.datasetContext)?.value.trim() || null;
  const record: MlflowDatasetRecord = {
    dataDigest: digest,
    mlflowDigest: dataset.digest,
    name: dataset.name,
    sourceType: dataset.source_type,
    source: redactSource(dataset.source),
    sourceUri: source.uri,
    sourceName: source.name,
    profile: dataset.profile ?? null,
  };
  return { data, record, inputName: `${context ? `${context}/` : ''}${dataset.name}@${dataset.digest}`, context };
}

function parse(json: string | undefined): unknown {
  if (!json) return null;
  try {
    return JSON.parse(json);
  } catch {
    return null;
  }
}

/** `num_rows` of a pandas, numpy or Hugging Face profile; Spark's `approx_count` is not a count. */
function rowsOf(profile: string | undefined): number | null {
  const rows = (parse(profile) as { num_rows?: unknown } | null)?.num_rows;
  return typeof rows === 'number' && Number.isSafeInteger(rows) && rows >= 0 ? rows : null;
}

/** `{"mlflow_colspec": [{"name", "type"}…]}`; tensor specs and unknown shapes give null. */
function columnsOf(schema: string | undefined): ColumnSchema[] | null {
  const columns = (parse(schema) as { mlflow_colspec?: unknown } | null)?.mlflow_colspec;
  if (!Array.isArray(columns)) return null;
  return columns.map((c: { name?: unknown; type?: unknown }, i) => ({
    name: typeof c?.name === 'string' ? c.name : String(i),
    type: typeof c?.type === 'string' ? c.type : JSON.stringify(c?.type ?? null),
  }));
}
