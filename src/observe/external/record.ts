import type { Kysely } from 'kysely';
import { addEdges } from '../../lineage/edge-store.js';
import type { Edge, EntityRef } from '../../lineage/types.js';
import { datasetVersionDigest, inputNameCandidates, olEntityId, qualifiedName } from '../../openlineage/naming.js';
import { OpenLineageStore } from '../../openlineage/openlineage-store.js';
import type { Database } from '../../store/schema.js';

/** Someone else's artefact: where it lives, and the marker its publisher gives each version. */
export interface ExternalVersion {
  /** `https://huggingface.co`, `http://127.0.0.1:8080`. */
  namespace: string;
  /** `org/model`, `datasets/org/name`, `/files/model.onnx`. */
  name: string;
  /** The version marker: a content digest, an ETag, a Last-Modified date or a commit sha. */
  version: string;
  facts: Record<string, unknown>;
}

export interface RecordedExternal {
  dataset: EntityRef;
  data: EntityRef;
  uri: string;
}

/**
 * Recorded the way OpenLineage ingest records a dataset with a version facet: an `ol_datasets`
 * row (the dataset entity: namespace + name) and a DataVersion without a file manifest whose
 * digest is derived from (namespace, name, version), linked `version_of` the dataset. We do not
 * hold the publisher's files, only their marker, so a manifest DataVersion would claim content we
 * never read; this shape is also what lets a run that declared the URL or repo as an input
 * (`threadline run --input https://…`) link to the dataset, and trace show which revision exists.
 */
export async function recordExternalVersion(db: Kysely<Database>, v: ExternalVersion, now = Date.now()): Promise<RecordedExternal> {
  const id = olEntityId(v.namespace, v.name);
  const digest = datasetVersionDigest(v.namespace, v.name, v.version);
  const uri = qualifiedName(v.namespace, v.name);
  const store = new OpenLineageStore(db);
  await store.upsertDataset({ id, namespace: v.namespace, name: v.name, facets: { version: { datasetVersion: v.version }, threadline_external: v.facts }, version: digest }, now);
  await store.saveDataVersion({ digest, uri, rowCount: null, schema: null }, now);
  const edges: Edge[] = [{ from: { type: 'data', id: digest }, relation: 'version_of', to: { type: 'dataset', id } }];
  for (const runId of await store.runsReading(inputNameCandidates(v.namespace, v.name))) edges.push({ from: { type: 'run', id: runId }, relation: 'read', to: { type: 'dataset', id } });
  await addEdges(db, edges, now);
  return { dataset: { type: 'dataset', id }, data: { type: 'data', id: digest }, uri };
}
