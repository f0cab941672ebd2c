import type { Kysely, Transaction } from 'kysely';
import type { Database, MetricsTable } from '../store/schema.js';
import type { Metric, Param, Tag } from './types.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface RunData {
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, Metric>;
}

/** Rows per INSERT: well under SQLite's and PostgreSQL's bound-parameter limits. */
const chunkRows = 500;

/** SQL for params, metrics and tags. A batch is written in the caller's one transaction. */
export class RunDataStore {
  constructor(private readonly db: Kysely<Database>) {}

  transaction<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }

  async paramsFor(db: Db, runId: string, keys: string[]): Promise<Map<string, string>> {
    if (keys.length === 0) return new Map();
    const rows = await db.selectFrom('params').select(['key', 'value']).where('run_id', '=', runId).where('key', 'in', keys).execute();
    return new Map(rows.map((r) => [r.key, r.value]));
  }

  async insertParams(db: Db, runId: string, params: Param[]): Promise<void> {
    for (const chunk of chunks(params)) {
      await db
        .insertInto('params')
        .values(chunk.map((p) => ({ run_id: runId, key: p.key, value: p.value })))
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  }

  async insertMetrics(db: Db, runId: string, metrics: Metric[]): Promise<void> {
    const rows = metrics.map((m) => toRow(runId, m));
    for (const chunk of chunks(rows)) {
      await db.insertInto('metrics').values(chunk).onConflict((oc) => oc.doNothing()).execute();
    }
    // One row per key, so that a single upsert never touches the same row twice (PostgreSQL refuses).
    const latest = new Map<string, MetricsTable>();
    for (const row of rows) {
      const current = latest.get(row.key);
      if (!current || isLater(row, current)) latest.set(row.key, row);
    }
    for (const chunk of chunks([...latest.values()])) {
      await db
        .insertInto('latest_metrics')
        .values(chunk)
        .onConflict((oc) =>
          oc
            .columns(['run_id', 'key'])
            .doUpdateSet((eb) => ({
              value: eb.ref('excluded.value'),
              timestamp: eb.ref('excluded.timestamp'),
              step: eb.ref('excluded.step'),
              is_nan: eb.ref('excluded.is_nan'),
            }))
            // MLflow's rule: the latest value is the one with the highest (step, timestamp, value).
            .where((eb) =>
              eb.or([
                eb('excluded.step', '>', eb.ref('latest_metrics.step')),
                eb.and([eb('excluded.step', '=', eb.ref('latest_metrics.step')), eb('excluded.timestamp', '>', eb.ref('latest_metrics.timestamp'))]),
                eb.and([
                  eb('excluded.step', '=', eb.ref('latest_metrics.step')),
                  eb('excluded.timestamp', '=', eb.ref('latest_metrics.timestamp')),
                  eb('excluded.value', '>', eb.ref('latest_metrics.value')),
                ]),
              ]),
            ),
        )
        .execute();
    }
  }

  async upsertTags(db: Db, runId: string, tags: Tag[]): Promise<void> {
    // Last write wins within a batch, as in MLflow.
    const unique = [...new Map(tags.map((t) => [t.key, t.value])).entries()];
    for (const chunk of chunks(unique)) {
      await db
        .insertInto('run_tags')
        .values(chunk.map(([key, value]) => ({ run_id: runId, key, value })))
        .onConflict((oc) => oc.columns(['run_id', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
        .execute();
    }
  }

  async deleteTag(runId: string, key: string): Promise<number> {
    const result = await this.db.deleteFrom('run_tags').where('run_id', '=', runId).where('key', '=', key).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async params(runId: string): Promise<Record<string, string>> {
    const rows = await this.db.selectFrom('params').select(['key', 'value']).where('run_id', '=', runId).orderBy('key').execute();
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  async tags(runId: string): Promise<Record<string, string>> {
    const rows = await this.db.selectFrom('run_tags').select(['key', 'value']).where('run_id', '=', runId).orderBy('key').execute();
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  async latestMetrics(runId: string): Promise<Record<string, Metric>> {
    const rows = await this.db.selectFrom('latest_metrics').selectAll().where('run_id', '=', runId).orderBy('key').execute();
    return Object.fromEntries(rows.map((r) => [r.key, fromRow(r)]));
  }

  /** Params, tags and latest metrics of many runs in three queries (per chunk of ids): for search results. */
  async dataOfRuns(runIds: readonly string[]): Promise<Map<string, RunData>> {
    const data = new Map<string, RunData>(runIds.map((id) => [id, { params: {}, tags: {}, metrics: {} }]));
    for (let i = 0; i < runIds.length; i += chunkRows) {
      const ids = runIds.slice(i, i + chunkRows);
      const [params, tags, metrics] = await Promise.all([
        this.db.selectFrom('params').select(['run_id', 'key', 'value']).where('run_id', 'in', ids).orderBy('key').execute(),
        this.db.selectFrom('run_tags').select(['run_id', 'key', 'value']).where('run_id', 'in', ids).orderBy('key').execute(),
        this.db.selectFrom('latest_metrics').selectAll().where('run_id', 'in', ids).orderBy('key').execute(),
      ]);
      for (const r of params) data.get(r.run_id)!.params[r.key] = r.value;
      for (const r of tags) data.get(r.run_id)!.tags[r.key] = r.value;
      for (const r of metrics) data.get(r.run_id)!.metrics[r.key] = fromRow(r);
    }
    return data;
  }

  async metricHistory(runId: string, key: string): Promise<Metric[]> {
    const rows = await this.db
      .selectFrom('metrics')
      .selectAll()
      .where('run_id', '=', runId)
      .where('key', '=', key)
      .orderBy('step')
      .orderBy('timestamp')
      .execute();
    return rows.map(fromRow);
  }
}

function toRow(runId: string, m: Metric): MetricsTable {
  const isNan = Number.isNaN(m.value);
  return { run_id: runId, key: m.key, value: isNan ? 0 : m.value, timestamp: m.timestamp, step: m.step, is_nan: isNan ? 1 : 0 };
}

function fromRow(row: MetricsTable): Metric {
  return { key: row.key, value: row.is_nan ? Number.NaN : row.value, timestamp: row.timestamp, step: row.step };
}

function isLater(a: MetricsTable, b: MetricsTable): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  return a.value > b.value;
}

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += chunkRows) out.push(items.slice(i, i + chunkRows));
  return out;
}
