import { canonicalJson, digestJson } from '../capture/canonical.js';
import type { ColumnSchema } from '../capture/types.js';
import { addEdges } from '../lineage/edge-store.js';
import type { Edge, EntityRef } from '../lineage/types.js';
import type { Store } from '../store/database.js';
import { datasetVersionDigest, eventMillis, inputNameCandidates, olEntityId, qualifiedName } from './naming.js';
import { OpenLineageStore, type StoredDataset, type StoredJob, type StoredRun } from './openlineage-store.js';
import type { DatasetEvent, IngestResult, JobEvent, OlDataset, OlJob, RunEvent } from './types.js';
import { eventKind, validateEvent } from './validate.js';

type Tx = ConstructorParameters<typeof OpenLineageStore>[0];

/**
 * OpenLineage in: each event, once valid, becomes jobs, runs and datasets in the store and edges
 * in the lineage graph. Everything is an upsert or keyed insert, so replaying an event changes
 * nothing; one transaction per event, so an event is stored whole or not at all.
 */
export class OpenLineageService {
  constructor(private readonly store: Store) {}

  async ingest(body: unknown, now = Date.now()): Promise<IngestResult> {
    const event = validateEvent(body);
    const kind = eventKind(event as unknown as Record<string, unknown>);
    const time = eventMillis(event.eventTime);
    return this.store.db.transaction().execute(async (trx) => {
      if (kind === 'RunEvent') return this.ingestRun(trx, event as RunEvent, time, now);
      if (kind === 'JobEvent') return this.ingestJob(trx, event as JobEvent, time, now);
      const dataset = await this.upsertDataset(trx, (event as DatasetEvent).dataset, time, now);
      return { kind, jobId: null, runId: null, datasets: [dataset] };
    });
  }

  job(namespace: string, name: string): Promise<StoredJob | undefined> {
    return new OpenLineageStore(this.store.db).job(olEntityId(namespace, name));
  }

  run(runId: string): Promise<StoredRun | undefined> {
    return new OpenLineageStore(this.store.db).run(runId.toLowerCase());
  }

  runEvents(runId: string): Promise<{ type: string; time: number }[]> {
    return new OpenLineageStore(this.store.db).runEvents(runId.toLowerCase());
  }

  dataset(namespace: string, name: string): Promise<StoredDataset | undefined> {
    return new OpenLineageStore(this.store.db).dataset(olEntityId(namespace, name));
  }

  private async ingestRun(trx: Tx, event: RunEvent, time: number, now: number): Promise<IngestResult> {
    const store = new OpenLineageStore(trx);
    const jobId = await this.upsertJob(trx, event.job, time);
    const runId = event.run.runId.toLowerCase();
    const run: EntityRef = { type: 'ol_run', id: runId };
    const edges: Edge[] = [{ from: run, relation: 'instance_of', to: { type: 'job', id: jobId } }];

    const parent = event.run.facets?.parent as { run?: { runId?: string }; job?: OlJob } | undefined;
    let parentRunId: string | null = null;
    if (parent?.run?.runId && parent.job) {
      parentRunId = parent.run.runId.toLowerCase();
      const parentJobId = await this.upsertJob(trx, { namespace: parent.job.namespace, name: parent.job.name }, time);
      await store.ensureRun(parentRunId, parentJobId, time);
      edges.push({ from: run, relation: 'child_of', to: { type: 'ol_run', id: parentRunId } });
      edges.push({ from: { type: 'ol_run', id: parentRunId }, relation: 'instance_of', to: { type: 'job', id: parentJobId } });
    }
    await store.upsertRun({ runId, jobId, facets: event.run.facets ?? {}, parentRunId }, time);
    const type = event.eventType ?? 'OTHER';
    await store.addEvent({ digest: digestJson(event), runId, type, time, document: canonicalJson(event) }, now);
    await store.refreshRunState(runId);
    await store.setLatestRun(jobId, runId, time);

    const datasets = await this.linkDatasets(trx, event, run, time, now, edges);
    await addEdges(trx, edges, now);
    return { kind: 'RunEvent', jobId, runId, datasets };
  }

  /** A JobEvent is design-time lineage: the job itself reads and writes the datasets. */
  private async ingestJob(trx: Tx, event: JobEvent, time: number, now: number): Promise<IngestResult> {
    const jobId = await this.upsertJob(trx, event.job, time);
    const edges: Edge[] = [];
    const datasets = await this.linkDatasets(trx, event, { type: 'job', id: jobId }, time, now, edges);
    await addEdges(trx, edges, now);
    return { kind: 'JobEvent', jobId, runId: null, datasets };
  }

  private async linkDatasets(trx: Tx, event: JobEvent, subject: EntityRef, time: number, now: number, edges: Edge[]): Promise<IngestResult['datasets']> {
    const results: IngestResult['datasets'] = [];
    for (const [side, list] of [['input', event.inputs ?? []], ['output', event.outputs ?? []]] as const) {
      for (const dataset of list) {
        const stored = await this.upsertDataset(trx, dataset, time, now);
        const node: EntityRef = stored.dataDigest ? { type: 'data', id: stored.dataDigest } : { type: 'dataset', id: stored.id };
        edges.push(side === 'input' ? { from: subject, relation: 'read', to: node } : { from: node, relation: 'produced_by', to: subject });
        results.push(stored);
      }
    }
    return results;
  }

  private async upsertJob(trx: Tx, job: OlJob, time: number): Promise<string> {
    const id = olEntityId(job.namespace, job.name);
    await new OpenLineageStore(trx).upsertJob({ id, namespace: job.namespace, name: job.name, facets: job.facets ?? {} }, time);
    return id;
  }

  /**
   * A dataset with a `version` facet is also a DataVersion (in data_versions, no file manifest),
   * so trace and GET /api/data/:digest treat it like data Threadline captured itself. Threadline
   * runs that declared it as an input are linked to it (run -read-> dataset).
   */
  private async upsertDataset(trx: Tx, dataset: OlDataset, time: number, now: number): Promise<IngestResult['datasets'][number]> {
    const id = olEntityId(dataset.namespace, dataset.name);
    const version = (dataset.facets?.version as { datasetVersion?: string } | undefined)?.datasetVersion ?? null;
    const dataDigest = version === null ? null : datasetVersionDigest(dataset.namespace, dataset.name, version);
    await new OpenLineageStore(trx).upsertDataset({ id, namespace: dataset.namespace, name: dataset.name, facets: dataset.facets ?? {}, version: dataDigest }, time);
    const edges: Edge[] = [];
    if (dataDigest) {
      await new OpenLineageStore(trx).saveDataVersion({ digest: dataDigest, uri: qualifiedName(dataset.namespace, dataset.name), rowCount: rowCountOf(dataset), schema: schemaOf(dataset) }, now);
      edges.push({ from: { type: 'data', id: dataDigest }, relation: 'version_of', to: { type: 'dataset', id } });
    }
    const readers = await new OpenLineageStore(trx).runsReading(inputNameCandidates(dataset.namespace, dataset.name));
    for (const runId of readers) edges.push({ from: { type: 'run', id: runId }, relation: 'read', to: { type: 'dataset', id } });
    await addEdges(trx, edges, now);
    return { id, namespace: dataset.namespace, name: dataset.name, version, dataDigest };
  }
}

function rowCountOf(dataset: OlDataset): number | null {
  const stats = (dataset.outputFacets?.outputStatistics ?? dataset.inputFacets?.inputStatistics) as { rowCount?: number } | undefined;
  return typeof stats?.rowCount === 'number' ? stats.rowCount : null;
}

function schemaOf(dataset: OlDataset): ColumnSchema[] | null {
  const fields = (dataset.facets?.schema as { fields?: { name: string; type?: string }[] } | undefined)?.fields;
  return fields ? fields.map((f) => ({ name: f.name, type: f.type ?? 'unknown' })) : null;
}
