/** OpenLineage events as the spec (spec/openlineage/OpenLineage.json) shapes them, after validation. */

export type Facets = Record<string, Record<string, unknown>>;

export type RunState = 'START' | 'RUNNING' | 'COMPLETE' | 'ABORT' | 'FAIL' | 'OTHER';

export interface OlJob {
  namespace: string;
  name: string;
  facets?: Facets;
}

export interface OlDataset {
  namespace: string;
  name: string;
  facets?: Facets;
  inputFacets?: Facets;
  outputFacets?: Facets;
}

interface BaseEvent {
  eventTime: string;
  producer: string;
  schemaURL: string;
}

export interface RunEvent extends BaseEvent {
  eventType?: RunState;
  run: { runId: string; facets?: Facets };
  job: OlJob;
  inputs?: OlDataset[];
  outputs?: OlDataset[];
}

export interface JobEvent extends BaseEvent {
  job: OlJob;
  inputs?: OlDataset[];
  outputs?: OlDataset[];
}

export interface DatasetEvent extends BaseEvent {
  dataset: OlDataset;
}

export type OpenLineageEvent = RunEvent | JobEvent | DatasetEvent;

/** What one ingested event touched, as ids in the lineage graph. */
export interface IngestResult {
  kind: 'RunEvent' | 'JobEvent' | 'DatasetEvent';
  jobId: string | null;
  runId: string | null;
  datasets: { id: string; namespace: string; name: string; version: string | null; dataDigest: string | null }[];
}
