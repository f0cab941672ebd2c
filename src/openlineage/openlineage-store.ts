import type { Kysely } from 'kysely';
import type { ColumnSchema } from '../capture/types.js';
import type { Database } from '../store/schema.js';
import type { Facets } from './types.js';

export interface StoredJob {
  id: string;
  namespace: string;
  name: string;
  facets: Facets;
  latestRunId: string | null;
}

export interface StoredRun {
  runId: string;
  jobId: string;
  state: string | null;
  startTime: number | null;
  endTime: number | null;
  parentRunId: string | null;
  facets: Facets;
}

export interface StoredDataset {
  id: string;
  namespace: string;
  name: string;
  facets: Facets;
  latestVersion: string | null;
}

/** SQL for OpenLineage jobs, runs, run events and datasets, over the one handle or a transaction. */
export class OpenLineageStore {
  constructor(private readonly db: Kysely<Database>) {}

  async upsertJob(job: { id: string; namespace: string; name: string; facets: Facets }, time: number): Promise<void> {
    await this.db
      .insertInto('ol_jobs')
      .values({ job_id: job.id, namespace: job.namespace, name: job.name, facets: '{}', latest_run_id: null, created_at: time, updated_at: time })
      .onConflict((oc) => oc.doNothing())
      .execute();
    const row = await this.db.selectFrom('ol_jobs').select(['facets', 'updated_at']).where('job_id', '=', job.id).executeTakeFirstOrThrow();
    const facets = mergeFacets(JSON.parse(row.facets), job.facets, time >= row.updated_at);
    await this.db.updateTable('ol_jobs').set({ facets: JSON.stringify(facets), updated_at: Math.max(time, row.updated_at) }).where('job_id', '=', job.id).execute();
  }

  /** The job's latest run is the one with the latest event seen; older events leave it be. */
  async setLatestRun(jobId: string, runId: string, time: number): Promise<void> {
    await this.db.updateTable('ol_jobs').set({ latest_run_id: runId }).where('job_id', '=', jobId).where('updated_at', '<=', time).execute();
  }

  async upsertRun(run: { runId: string; jobId: string; facets: Facets; parentRunId: string | null }, time: number): Promise<void> {
    await this.ensureRun(run.runId, run.jobId, time);
    const row = await this.db.selectFrom('ol_runs').select(['facets', 'updated_at', 'parent_run_id']).where('run_id', '=', run.runId).executeTakeFirstOrThrow();
    const facets = mergeFacets(JSON.parse(row.facets), run.facets, time >= row.updated_at);
    await this.db
      .updateTable('ol_runs')
      .set({ job_id: run.jobId, facets: JSON.stringify(facets), parent_run_id: run.parentRunId ?? row.parent_run_id, updated_at: Math.max(time, row.updated_at) })
      .where('run_id', '=', run.runId)
      .execute();
  }

  /** A run known so far only by id (a parent named in a child's facet): no state until its own events. */
  async ensureRun(runId: string, jobId: string, time: number): Promise<void> {
    await this.db
      .insertInto('ol_runs')
      .values({ run_id: runId, job_id: jobId, state: null, start_time: null, end_time: null, parent_run_id: null, facets: '{}', created_at: time, updated_at: time })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  /** Stores a state event once (keyed by its digest); false when it was stored before. */
  async addEvent(event: { digest: string; runId: string; type: string; time: number; document: string }, now: number): Promise<boolean> {
    const result = await this.db
      .insertInto('ol_run_events')
      .values({ event_digest: event.digest, run_id: event.runId, event_type: event.type, event_time: event.time, document: event.document, received_at: now })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  /**
   * State, start and end derive from all stored events rather than the last one received, so
   * events arriving out of order or twice give the same run. OTHER adds metadata, not state.
   */
  async refreshRunState(runId: string): Promise<void> {
    const events = await this.db.selectFrom('ol_run_events').select(['event_type', 'event_time']).where('run_id', '=', runId).orderBy('event_time').orderBy('received_at').execute();
    const stateful = events.filter((e) => e.event_type !== 'OTHER');
    const start = events.find((e) => e.event_type === 'START') ?? events[0];
    const end = stateful.filter((e) => ['COMPLETE', 'ABORT', 'FAIL'].includes(e.event_type)).at(-1);
    await this.db
      .updateTable('ol_runs')
      .set({ state: stateful.at(-1)?.event_type ?? 'OTHER', start_time: start?.event_time ?? null, end_time: end?.event_time ?? null })
      .where('run_id', '=', runId)
      .execute();
  }

  async upsertDataset(dataset: { id: string; namespace: string; name: string; facets: Facets; version: string | null }, time: number): Promise<void> {
    await this.db
      .insertInto('ol_datasets')
      .values({ dataset_id: dataset.id, namespace: dataset.namespace, name: dataset.name, facets: '{}', latest_version: null, created_at: time, updated_at: time })
      .onConflict((oc) => oc.doNothing())
      .execute();
    const row = await this.db.selectFrom('ol_datasets').select(['facets', 'updated_at', 'latest_version']).where('dataset_id', '=', dataset.id).executeTakeFirstOrThrow();
    const newer = time >= row.updated_at;
    const facets = mergeFacets(JSON.parse(row.facets), dataset.facets, newer);
    const latestVersion = (newer ? dataset.version : null) ?? row.latest_version ?? dataset.version;
    await this.db
      .updateTable('ol_datasets')
      .set({ facets: JSON.stringify(facets), latest_version: latestVersion, updated_at: Math.max(time, row.updated_at) })
      .where('dataset_id', '=', dataset.id)
      .execute();
  }

  /**
   * A dataset version as a DataVersion row with no file manifest (the files are the producer's).
   * Written here rather than through ProvenanceStore.saveData, which opens its own transaction.
   */
  async saveDataVersion(data: { digest: string; uri: string; rowCount: number | null; schema: ColumnSchema[] | null }, now: number): Promise<void> {
    await this.db
      .insertInto('data_versions')
      .values({ digest: data.digest, uri: data.uri, format: 'other', file_count: 0, total_size: 0, row_count: data.rowCount, schema: data.schema && JSON.stringify(data.schema), created_at: now })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  /** Threadline runs that declared an input by one of `names`, or read data recorded at one of them. */
  async runsReading(names: string[]): Promise<string[]> {
    if (names.length === 0) return [];
    const [byName, byUri] = await Promise.all([
      this.db.selectFrom('run_io').select('run_id').where('direction', '=', 'input').where('name', 'in', names).execute(),
      this.db
        .selectFrom('run_io')
        .innerJoin('data_versions', 'data_versions.digest', 'run_io.ref')
        .select('run_io.run_id')
        .where('run_io.direction', '=', 'input')
        .where('run_io.kind', '=', 'data')
        .where('data_versions.uri', 'in', names)
        .execute(),
    ]);
    return [...new Set([...byName, ...byUri].map((r) => r.run_id))].sort();
  }

  async job(id: string): Promise<StoredJob | undefined> {
    const row = await this.db.selectFrom('ol_jobs').selectAll().where('job_id', '=', id).executeTakeFirst();
    return row && { id: row.job_id, namespace: row.namespace, name: row.name, facets: JSON.parse(row.facets), latestRunId: row.latest_run_id };
  }

  async run(runId: string): Promise<StoredRun | undefined> {
    const row = await this.db.selectFrom('ol_runs').selectAll().where('run_id', '=', runId).executeTakeFirst();
    return (
      row && {
        runId: row.run_id,
        jobId: row.job_id,
        state: row.state,
        startTime: row.start_time,
        endTime: row.end_time,
        parentRunId: row.parent_run_id,
        facets: JSON.parse(row.facets),
      }
    );
  }

  async runEvents(runId: string): Promise<{ type: string; time: number }[]> {
    const rows = await this.db.selectFrom('ol_run_events').select(['event_type', 'event_time']).where('run_id', '=', runId).orderBy('event_time').execute();
    return rows.map((r) => ({ type: r.event_type, time: r.event_time }));
  }

  /** Namespace and name of the datasets with any of these names. */
  async datasetsNamed(names: string[]): Promise<{ namespace: string; name: string }[]> {
    if (names.length === 0) return [];
    return this.db.selectFrom('ol_datasets').select(['namespace', 'name']).where('name', 'in', names).execute();
  }

  async dataset(id: string): Promise<StoredDataset | undefined> {
    const row = await this.db.selectFrom('ol_datasets').selectAll().where('dataset_id', '=', id).executeTakeFirst();
    return row && { id: row.dataset_id, namespace: row.namespace, name: row.name, facets: JSON.parse(row.facets), latestVersion: row.latest_version };
  }
}

/**
 * Facets accumulate over a run's events (OpenLineage's model); a newer event's facet replaces the
 * stored one of that name, or removes it when marked `_deleted`. An older event only fills gaps.
 */
export function mergeFacets(stored: Facets, incoming: Facets | undefined, incomingIsNewer: boolean): Facets {
  const merged = { ...stored };
  for (const [key, facet] of Object.entries(incoming ?? {})) {
    if (facet._deleted === true) {
      if (incomingIsNewer) delete merged[key];
    } else if (incomingIsNewer || !(key in merged)) {
      merged[key] = facet;
    }
  }
  return merged;
}
