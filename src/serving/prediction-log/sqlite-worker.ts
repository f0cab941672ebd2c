import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { sqliteInsertSql, sqliteInsertValuesInto, sqliteInsertWidth, sqliteRowsPerInsert } from '../prediction-store.js';
import type { Prediction } from '../types.js';

/** What the prediction log writes batches to: the store itself, or this worker in front of it. */
export interface PredictionInserter {
  /** `waitMs`: how long the insert may wait on a lock held elsewhere (a shutdown flush waits longer). */
  insertBatch(records: readonly Prediction[], waitMs?: number): Promise<unknown>;
  /** Opens what the first insert needs, so that it is not paid inside the first batch's budget. */
  ready?(): Promise<void>;
  close?(): Promise<void>;
}

// The statements are the store's (prediction-store.ts); the worker only runs them.
const rowsPerStatement = sqliteRowsPerInsert;

// Plain CommonJS run with `eval: true`: no TypeScript loader needed, whether from dist/, tsx or vitest.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.driver);
const { file, manySql, oneSql, width, rowsPerStatement, busyMs } = workerData;
const db = new SQLite(file);
db.pragma('synchronous = NORMAL');
// This connection only inserts predictions: statement journals in memory, not a temp file per batch.
db.pragma('temp_store = MEMORY');
let busy = busyMs;
db.pragma('busy_timeout = ' + busy);
const many = db.prepare(manySql);
const one = db.prepare(oneSql);
const insert = db.transaction((values) => {
  const rows = values.length / width;
  let i = 0;
  for (; i + rowsPerStatement <= rows; i += rowsPerStatement) many.run(values.slice(i * width, (i + rowsPerStatement) * width));
  for (; i < rows; i++) one.run(values.slice(i * width, (i + 1) * width));
});
parentPort.postMessage({ ready: true });
parentPort.on('message', ({ id, values, waitMs }) => {
  try {
    const wait = waitMs ?? busyMs;
    if (wait !== busy) db.pragma('busy_timeout = ' + (busy = wait));
    insert(values);
    parentPort.postMessage({ id, error: null });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
  }
});
`;

/**
 * Inserts prediction batches into a SQLite file from a worker thread with its own connection.
 * better-sqlite3 is synchronous: on the proxy's event loop every batch (and every WAL
 * checkpoint, with its fsync) would stall the requests in flight; here it costs the event loop
 * one postMessage. Inserts are INSERT OR IGNORE like PredictionStore's, so a batch that also
 * went to the journal replays idempotently. A lock held elsewhere fails the insert after
 * `busyMs`, and the writer journals instead.
 */
type Waiter = { resolve: () => void; reject: (error: Error) => void };
type Current = { worker: Worker; pending: Map<number, Waiter>; opened: Promise<void> };

export class SqliteInsertWorker implements PredictionInserter {
  private current: Current | undefined;
  private nextId = 0;

  constructor(
    private readonly file: string,
    private readonly busyMs = 100,
  ) {}

  /** Starts the worker and waits until its connection is open (under load, a few hundred ms). */
  async ready(): Promise<void> {
    await (this.current ??= this.spawn()).opened;
  }

  insertBatch(records: readonly Prediction[], waitMs?: number): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    // One flat array for the whole batch, filled in place (no array per row): one postMessage.
    const values: unknown[] = new Array(records.length * sqliteInsertWidth);
    for (let i = 0; i < records.length; i++) sqliteInsertValuesInto(values, i * sqliteInsertWidth, records[i]!);
    const { worker, pending } = (this.current ??= this.spawn());
    return new Promise<void>((resolve, reject) => {
      const id = this.nextId++;
      // Keep the process alive while a batch is on its way (a shutdown flush must land).
      if (pending.size === 0) worker.ref();
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, values, waitMs });
    });
  }

  async close(): Promise<void> {
    const current = this.current;
    this.current = undefined;
    if (current) await current.worker.terminate();
  }

  private spawn(): Current {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(workerSource, { eval: true, workerData: { file: this.file, driver, manySql: sqliteInsertSql(rowsPerStatement), oneSql: sqliteInsertSql(1), width: sqliteInsertWidth, rowsPerStatement, busyMs: this.busyMs } });
    const pending = new Map<number, Waiter>();
    let opened!: () => void;
    let failedToOpen!: (error: Error) => void;
    const self: Current = { worker, pending, opened: new Promise<void>((resolve, reject) => ((opened = resolve), (failedToOpen = reject))) };
    self.opened.catch(() => undefined);
    worker.unref();
    worker.on('message', ({ id, error, ready }: { id: number; error: string | null; ready?: true }) => {
      if (ready) return opened();
      const waiter = pending.get(id);
      pending.delete(id);
      if (pending.size === 0) worker.unref();
      if (error === null) waiter?.resolve();
      else waiter?.reject(new Error(error));
    });
    const fail = (error: Error) => {
      // A dead worker fails what it held (the writer journals it); the next batch starts a new one.
      if (this.current === self) this.current = undefined;
      failedToOpen(error);
      for (const waiter of pending.values()) waiter.reject(error);
      pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`prediction log worker exited (${code})`)));
    return self;
  }
}
