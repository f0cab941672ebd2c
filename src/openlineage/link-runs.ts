import { addEdges } from '../lineage/edge-store.js';
import type { Store } from '../store/database.js';
import type { InputDatasetLinker } from '../tracking/run-service.js';
import { inputNameCandidates, olEntityId } from './naming.js';
import { OpenLineageStore } from './openlineage-store.js';

/**
 * The other half of "a Threadline run whose inputs match a dataset links to it": ingest links
 * runs that recorded their inputs before the dataset arrived; this links a run recording an input
 * (by the name it was given, or its data URI) after the dataset is known, the usual order when an
 * Airflow or dbt job writes the table a training run then reads.
 */
export async function linkInputToDatasets(store: Store, runId: string, inputName: string, dataUri: string, now = Date.now()): Promise<void> {
  const given = [...new Set([inputName, dataUri])];
  // Possible dataset names inside what was given: the name itself, or the part after `scheme://host/`.
  const names = new Set(given);
  for (const value of given) {
    const object = /^[a-z][a-z0-9+.-]*:\/\/[^/]+\/(.+)$/i.exec(value);
    if (object) names.add(object[1]!);
    const slash = value.indexOf('/');
    if (slash > 0) names.add(value.slice(slash + 1));
  }
  const rows = await new OpenLineageStore(store.db).datasetsNamed([...names]);
  const matched = rows.filter((row) => inputNameCandidates(row.namespace, row.name).some((candidate) => given.includes(candidate)));
  await addEdges(
    store.db,
    matched.map((row) => ({ from: { type: 'run' as const, id: runId }, relation: 'read', to: { type: 'dataset' as const, id: olEntityId(row.namespace, row.name) } })),
    now,
  );
}

/** The linker the run service is given (src/context.ts), so that tracking need not know OpenLineage. */
export function openLineageInputLinker(store: Store): InputDatasetLinker {
  return { linkInput: (runId, inputName, dataUri, now) => linkInputToDatasets(store, runId, inputName, dataUri, now) };
}
