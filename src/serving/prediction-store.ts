import type { Kysely } from 'kysely';
import type { Store } from '../store/database.js';
import type { Database, PredictionsTable } from '../store/schema.js';
import type { Feedback, Prediction, PredictionCursor, PredictionStatusFilter } from './types.js';

const columns = ['id', 'deployment_id', 'time', 'method', 'path', 'status', 'latency_ms', 'request_body', 'response_body', 'truncated', 'model_name', 'model_version', 'run_id', 'git_sha', 'error'] as const;
// Rows per multi-row SQLite statement (15 parameters each, well under SQLite's 32,766).
export const sqliteRowsPerInsert = 100;
// PostgreSQL takes at most 65,535 parameters per statement.
const pgChunk = 2000;
/** Ids per `in (…)` list: well under both back ends' parameter limits. */
const inListChunk = 1000;

/** What {@link PredictionStore.list} narrows by, times resolved to epoch ms. */
export interface PredictionFilter {
  deploymentId?: string;
  modelName?: string;
  since?: number;
  until?: number;
  status?: PredictionStatusFilter;
  minLatencyMs?: number;
  maxLatencyMs?: number;
  before?: PredictionCursor;
}

export type PredictionHeadline = Pick<PredictionsTable, 'id' | 'deployment_id' | 'time' | 'status' | 'latency_ms' | 'model_name' | 'model_version' | 'run_id' | 'git_sha' | 'path'>;

/** SQL of the prediction log and feedback (migration 0006), over the one Kysely handle. */
export class PredictionStore {
  readonly db: Kysely<Database>;
  private sqliteInsert?: (rows: readonly Prediction[]) => number;

  /** `sqliteBusyMs`: how long a log insert waits on a SQLite lock before failing (the writer then journals). */
  constructor(
    private readonly store: Store,
    private readonly sqliteBusyMs = 100,
  ) {
    this.db = store.db;
  }

  /**
   * Inserts a batch in one transaction; ids already there are skipped (journal replays are
   * idempotent). Returns how many rows were new.
   */
  async insertBatch(records: readonly Prediction[], waitMs = this.sqliteBusyMs): Promise<number> {
    if (records.length === 0) return 0;
    if (this.store.sqlite) return this.insertSqlite(records, waitMs);
    return this.db.transaction().execute(async (trx) => {
      let inserted = 0;
      for (let i = 0; i < records.length; i += pgChunk) {
        const rows = records.slice(i, i + pgChunk).map(toRow);
        const [result] = await trx.insertInto('predictions').values(rows).onConflict((oc) => oc.column('id').doNothing()).execute();
        inserted += Number(result?.numInsertedOrUpdatedRows ?? 0);
      }
      return inserted;
    });
  }

  /** Raw prepared statements of 100 rows and of 1: several times faster than building SQL per batch. */
  private insertSqlite(records: readonly Prediction[], waitMs: number): number {
    if (!this.sqliteInsert) {
      const raw = this.store.sqlite!;
      const many = raw.prepare(sqliteInsertSql(sqliteRowsPerInsert));
      const one = raw.prepare(sqliteInsertSql(1));
      // One array of parameters for every statement, filled in place: no per-row arrays.
      const params: unknown[] = new Array(sqliteRowsPerInsert * columns.length);
      const single: unknown[] = new Array(columns.length);
      this.sqliteInsert = raw.transaction((rows: readonly Prediction[]) => {
        let i = 0;
        let inserted = 0;
        for (; i + sqliteRowsPerInsert <= rows.length; i += sqliteRowsPerInsert) {
          for (let j = 0; j < sqliteRowsPerInsert; j++) sqliteInsertValuesInto(params, j * columns.length, rows[i + j]!);
          inserted += many.run(params).changes;
        }
        for (; i < rows.length; i++) inserted += one.run(sqliteInsertValuesInto(single, 0, rows[i]!)).changes;
        return inserted;
      });
    }
    // The store waits up to 10 s on locks; a log insert must fail fast instead (it runs on the event loop).
    const raw = this.store.sqlite!;
    const previous = raw.pragma('busy_timeout', { simple: true }) as number;
    raw.pragma(`busy_timeout = ${waitMs}`);
    // Each multi-row INSERT in the transaction keeps a statement journal (to undo that statement
    // alone), spilled past 64 KiB to a temp file created and deleted per batch: kept in memory
    // for the insert only (bounded by the pages one statement changes), 10-15% of the ingest's
    // CPU per record (bench/ingest.ts). Not inside another transaction, where SQLite refuses it.
    const tempStore = raw.inTransaction ? undefined : (raw.pragma('temp_store', { simple: true }) as number);
    if (tempStore !== undefined && tempStore !== 2) raw.pragma('temp_store = MEMORY');
    try {
      return this.sqliteInsert(records);
    } finally {
      if (tempStore !== undefined && tempStore !== 2) raw.pragma(`temp_store = ${tempStore}`);
      raw.pragma(`busy_timeout = ${previous}`);
    }
  }

  async get(id: string): Promise<Prediction | undefined> {
    const row = await this.db.selectFrom('predictions').selectAll().where('id', '=', id).executeTakeFirst();
    return row && fromRow(row);
  }

  /** Newest first (time, then id), each filter in SQL; `before` is the keyset of the page before (migration 0017 indexes by model). */
  async list(query: PredictionFilter & { limit: number }): Promise<Prediction[]> {
    let q = this.db.selectFrom('predictions').selectAll();
    if (query.deploymentId !== undefined) q = q.where('deployment_id', '=', query.deploymentId);
    if (query.modelName !== undefined) q = q.where('model_name', '=', query.modelName);
    if (query.since !== undefined) q = q.where('time', '>=', query.since);
    if (query.until !== undefined) q = q.where('time', '<', query.until);
    if (query.status === 'ok') q = q.where('status', '<', 400);
    else if (query.status === 'error') q = q.where('status', '>=', 400);
    else if (query.status !== undefined) q = q.where('status', '=', query.status);
    if (query.minLatencyMs !== undefined) q = q.where('latency_ms', '>=', query.minLatencyMs);
    if (query.maxLatencyMs !== undefined) q = q.where('latency_ms', '<=', query.maxLatencyMs);
    const before = query.before;
    if (before !== undefined) q = q.where((eb) => eb.or([eb('time', '<', before.time), eb.and([eb('time', '=', before.time), eb('id', '<', before.id)])]));
    const rows = await q.orderBy('time', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
    return rows.map(fromRow);
  }

  async count(): Promise<number> {
    const row = await this.db.selectFrom('predictions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return row.n;
  }

  /** Which of `ids` are logged predictions. */
  async existing(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db.selectFrom('predictions').select('id').where('id', 'in', ids).execute();
    return new Set(rows.map((r) => r.id));
  }

  /** The headline columns of many predictions (no bodies), for describing them in a trace. */
  async headlines(ids: readonly string[]): Promise<PredictionHeadline[]> {
    const rows: PredictionHeadline[] = [];
    for (let i = 0; i < ids.length; i += inListChunk) {
      rows.push(
        ...(await this.db
          .selectFrom('predictions')
          .select(['id', 'deployment_id', 'time', 'status', 'latency_ms', 'model_name', 'model_version', 'run_id', 'git_sha', 'path'])
          .where('id', 'in', ids.slice(i, i + inListChunk))
          .execute()),
      );
    }
    return rows;
  }

  /** The deployment that served a prediction: null when it was unlinked, undefined when no such prediction is logged. */
  async deploymentOf(id: string): Promise<string | null | undefined> {
    const row = await this.db.selectFrom('predictions').select('deployment_id').where('id', '=', id).executeTakeFirst();
    return row && row.deployment_id;
  }

  /** How many predictions these deployments served, and when the first and the last were. */
  async countServedBy(deploymentIds: readonly string[]): Promise<{ count: number; first: number | null; last: number | null }> {
    let count = 0;
    let first: number | null = null;
    let last: number | null = null;
    for (let i = 0; i < deploymentIds.length; i += inListChunk) {
      const row = await this.db
        .selectFrom('predictions')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('time').as('first'), eb.fn.max('time').as('last')])
        .where('deployment_id', 'in', deploymentIds.slice(i, i + inListChunk))
        .executeTakeFirstOrThrow();
      count += row.n;
      if (row.first !== null) first = first === null ? row.first : Math.min(first, row.first);
      if (row.last !== null) last = last === null ? row.last : Math.max(last, row.last);
    }
    return { count, first, last };
  }

  async addFeedback(rows: readonly Feedback[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .insertInto('prediction_feedback')
      .values(rows.map((f) => ({ prediction_id: f.predictionId, label: JSON.stringify(f.label ?? null), time: f.time, source: f.source })))
      .execute();
  }

  async feedbackOf(id: string): Promise<Feedback[]> {
    const rows = await this.db.selectFrom('prediction_feedback').selectAll().where('prediction_id', '=', id).orderBy('time').execute();
    return rows.map((r) => ({ predictionId: r.prediction_id, label: JSON.parse(r.label) as unknown, time: r.time, source: r.source }));
  }
}

/**
 * The SQLite statement inserting `rows` predictions, ids already there skipped: the store's own
 * and the log's worker thread's (which runs it on its own connection), so both write alike.
 */
export function sqliteInsertSql(rows: number): string {
  const row = `(${columns.map(() => '?').join(', ')})`;
  return `INSERT OR IGNORE INTO predictions (${columns.join(', ')}) VALUES ${Array(rows).fill(row).join(', ')}`;
}

/** Parameters per row of {@link sqliteInsertSql}. */
export const sqliteInsertWidth = columns.length;

/** One prediction's parameters for {@link sqliteInsertSql}, in its column order. */
export function sqliteInsertValues(p: Prediction): unknown[] {
  return sqliteInsertValuesInto(new Array(columns.length), 0, p);
}

/** `p`'s parameters for {@link sqliteInsertSql} written into `into` from `at` (no array per row); returns `into`. */
export function sqliteInsertValuesInto(into: unknown[], at: number, p: Prediction): unknown[] {
  into[at] = p.id;
  into[at + 1] = p.deploymentId;
  into[at + 2] = p.time;
  into[at + 3] = p.method;
  into[at + 4] = p.path;
  into[at + 5] = p.status;
  into[at + 6] = p.latencyMs;
  into[at + 7] = p.requestBody;
  into[at + 8] = p.responseBody;
  into[at + 9] = p.truncated ? 1 : 0;
  into[at + 10] = p.modelName;
  into[at + 11] = p.modelVersion;
  into[at + 12] = p.runId;
  into[at + 13] = p.gitSha;
  into[at + 14] = p.error;
  return into;
}

function toRow(p: Prediction): PredictionsTable {
  return {
    id: p.id,
    deployment_id: p.deploymentId,
    time: p.time,
    method: p.method,
    path: p.path,
    status: p.status,
    latency_ms: p.latencyMs,
    request_body: p.requestBody,
    response_body: p.responseBody,
    truncated: p.truncated ? 1 : 0,
    model_name: p.modelName,
    model_version: p.modelVersion,
    run_id: p.runId,
    git_sha: p.gitSha,
    error: p.error,
  };
}

function fromRow(r: PredictionsTable): Prediction {
  return {
    id: r.id,
    deploymentId: r.deployment_id,
    time: r.time,
    method: r.method,
    path: r.path,
    status: r.status,
    latencyMs: r.latency_ms,
    requestBody: r.request_body,
    responseBody: r.response_body,
    truncated: r.truncated === 1,
    modelName: r.model_name,
    modelVersion: r.model_version,
    runId: r.run_id,
    gitSha: r.git_sha,
    error: r.error,
  };
}
