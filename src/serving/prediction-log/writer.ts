import fs from 'node:fs';
import type { Prediction } from '../types.js';
import { Journal, readJournal } from './journal.js';
import { emptyMetrics, type PredictionLogMetrics } from './metrics.js';
import { InsertRefused } from './refused.js';
import type { PredictionInserter } from './sqlite-worker.js';

export interface PredictionLogOptions {
  /** Folder of the spill journal (`$THREADLINE_HOME/journal`). */
  journalDir: string;
  /** Predictions held in memory; beyond it they go straight to the journal. */
  capacity?: number;
  batchSize?: number;
  /** How often the queue is written out; also the most a killed process can lose. */
  flushIntervalMs?: number;
  /** Journal fsync period: the most an OS crash can lose of what was journaled. */
  fsyncIntervalMs?: number;
  /** An insert slower than this (or failing) sends batches to the journal until the store recovers. */
  slowMs?: number;
  /** How often a degraded writer retries the store (by replaying the journal). */
  retryMs?: number;
  /**
   * A destination that refuses the batches as configured (InsertRefused: a bad token, a wrong URL)
   * is retried after `retryMs`, then twice as long each time, up to this (default 60 s).
   */
  maxRetryMs?: number;
  /** Where the one line per refusal (and its end) goes; default stderr. Never given credentials. */
  warn?: (line: string) => void;
  /**
   * How long `close()` gives each batch of its last write-out: a shutdown can wait where a request
   * path cannot, so what was journaled while the store was slow lands now rather than at the next start.
   */
  closeBudgetMs?: number;
}

/** What `PredictionLog.health` reports: for a readiness probe, a metrics endpoint or a log line. */
export interface PredictionLogHealth {
  /** `ok`: batches go to the store; `degraded`: to the journal, the store failing or slow; `refused`: to the journal, the destination refusing them as configured. */
  state: 'ok' | 'degraded' | 'refused';
  /** Since when (epoch ms) batches go to the journal. */
  degradedSince: number | null;
  /** Why the last attempt failed (for a refusal, the destination's status and error), null when ok. */
  lastError: string | null;
  /** The HTTP status of a refusal. */
  refusedStatus: number | null;
  /** When the store is tried next (epoch ms). */
  nextRetryAt: number | null;
  metrics: PredictionLogMetrics;
}

/**
 * The prediction log writer, off the request path: `log()` only pushes to a bounded queue.
 * A background flusher writes batches to the store in one transaction; when the store is slow
 * or down, and when the queue is full, predictions go to the append-only journal instead, which
 * is replayed (insert-or-ignore by id) on start and when the store answers again. Nothing is
 * dropped. Crash-loss window: a killed process loses what was queued in the last
 * `flushIntervalMs` (plus one insert in flight for under `journalAfterMs`: a slower one is
 * journaled, and so is what queues behind it meanwhile); a machine crash also loses
 * what was journaled in the last `fsyncIntervalMs` (default 100 ms).
 */
export class PredictionLog {
  readonly metrics: PredictionLogMetrics = emptyMetrics();
  private queue: Prediction[] = [];
  private readonly journal: Journal;
  private readonly capacity: number;
  private readonly batchSize: number;
  private readonly slowMs: number;
  private readonly retryMs: number;
  private readonly maxRetryMs: number;
  private readonly warn: (line: string) => void;
  private readonly journalDir: string;
  /** The wait before the next recovery attempt: `retryMs`, doubled per refusal in a row. */
  private retryDelayMs: number;
  private refusalsInRow = 0;
  private lastError: Error | undefined;
  private readonly closeBudgetMs: number;
  private readonly journalAfterMs: number;
  private readonly timer: NodeJS.Timeout;
  private recovering: Promise<void> | undefined;
  private degradedSince: number | undefined;
  private flushing: Promise<void> | undefined;
  /** When the write-out pass in flight began. */
  private passStarted = 0;
  /** Records journaled while a pass waited on a slow store, to replay once it is done. */
  private backlog = false;
  private closed = false;

  constructor(
    /** A PredictionStore, or a SqliteInsertWorker in front of a SQLite file. */
    private readonly store: PredictionInserter,
    options: PredictionLogOptions,
  ) {
    this.capacity = options.capacity ?? 100_000;
    this.batchSize = options.batchSize ?? 2_000;
    this.slowMs = options.slowMs ?? 500;
    this.retryMs = options.retryMs ?? 1_000;
    this.maxRetryMs = Math.max(this.retryMs, options.maxRetryMs ?? 60_000);
    this.retryDelayMs = this.retryMs;
    this.warn = options.warn ?? ((line) => process.stderr.write(`${line}\n`));
    this.journalDir = options.journalDir;
    this.closeBudgetMs = options.closeBudgetMs ?? 5_000;
    this.journal = new Journal(options.journalDir, options.fsyncIntervalMs ?? 100);
    this.journalAfterMs = Math.min(options.fsyncIntervalMs ?? 100, this.slowMs);
    this.timer = setInterval(() => this.tick(), options.flushIntervalMs ?? 50);
    this.timer.unref();
  }

  /** Replays journals left by earlier processes (call once at start); a store that is down is retried later. */
  async start(): Promise<void> {
    try {
      await this.store.ready?.();
      await this.replay();
    } catch (error) {
      this.markDegraded(error);
    }
  }

  /** True while predictions go to the journal because the store failed; a recovery attempt follows every `retryMs`. */
  get degraded(): boolean {
    return this.degradedSince !== undefined;
  }

  get health(): PredictionLogHealth {
    const since = this.degradedSince;
    const refused = since !== undefined && this.lastError instanceof InsertRefused ? this.lastError : undefined;
    return {
      state: since === undefined ? 'ok' : refused ? 'refused' : 'degraded',
      degradedSince: since ?? null,
      lastError: since === undefined ? null : (this.lastError?.message ?? null),
      refusedStatus: refused?.status ?? null,
      nextRetryAt: since === undefined ? null : since + this.retryDelayMs,
      metrics: { ...this.metrics },
    };
  }

  /** Never blocks on the store and never throws for a full queue: it spills instead. */
  log(prediction: Prediction): void {
    this.metrics.queued++;
    if (this.closed || this.queue.length >= this.capacity) {
      this.journal.append([prediction]);
      this.metrics.journaled++;
      return;
    }
    this.queue.push(prediction);
  }

  /** Writes out everything queued now; concurrent calls share one pass. */
  flush(): Promise<void> {
    this.flushing ??= this.pass();
    return this.flushing;
  }

  /**
   * Every flush interval. While a pass has waited on the store longer than `journalAfterMs`,
   * what queued meanwhile goes to the journal now rather than wait in memory for the pass (a
   * kill -9 would lose it), and is replayed once the pass is done: a slow store costs the queue
   * at most one interval, as an absent one does.
   */
  private tick(): void {
    if (this.flushing && this.queue.length > 0 && performance.now() - this.passStarted >= this.journalAfterMs) {
      const waiting = this.queue;
      this.queue = [];
      this.journal.append(waiting);
      this.metrics.journaled += waiting.length;
      this.backlog = true;
    }
    void this.flush();
  }

  private async pass(): Promise<void> {
    this.passStarted = performance.now();
    try {
      await this.drain();
    } finally {
      this.flushing = undefined;
    }
    if (this.backlog && this.degradedSince === undefined && !this.recovering && !this.closed) {
      this.backlog = false;
      this.startRecovery();
    }
  }

  /** Graceful shutdown: everything queued reaches the store or the fsynced journal. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.recovering;
    await this.flush();
    this.closed = true;
    // One last try at the store, with the patience of a shutdown; what it does not take stays
    // journaled for the next start.
    await this.recover(this.closeBudgetMs);
    this.journal.close();
  }

  private async drain(): Promise<void> {
    // Recovery runs beside the flushes, which keep journaling meanwhile.
    if (this.degradedSince !== undefined && !this.recovering && Date.now() - this.degradedSince >= this.retryDelayMs) this.startRecovery();
    while (this.queue.length > 0) {
      // Take the whole queue at once (no per-batch copying of what is left); new arrivals start a new one.
      const pending = this.queue;
      this.queue = [];
      for (let i = 0; i < pending.length; i += this.batchSize) await this.write(pending.length <= this.batchSize ? pending : pending.slice(i, i + this.batchSize));
    }
  }

  private async write(batch: Prediction[]): Promise<void> {
    if (this.degradedSince !== undefined) {
      this.journal.append(batch);
      this.metrics.journaled += batch.length;
    } else if (await this.tryInsert(batch)) {
      this.metrics.written += batch.length;
    }
  }

  /**
   * True when the batch is in the store within `slowMs`; otherwise the writer turns degraded.
   * A batch still in flight after `journalAfterMs` is journaled as well, so that a crash while
   * the store stalls loses no more than that (replay ignores the ids that did land).
   */
  private async tryInsert(batch: readonly Prediction[]): Promise<boolean> {
    let journaled = false;
    const early = setTimeout(() => {
      journaled = true;
      this.journal.append(batch);
      this.metrics.journaled += batch.length;
    }, this.journalAfterMs);
    try {
      await this.insertInTime(batch);
      return true;
    } catch (error) {
      this.markDegraded(error);
      if (!journaled) {
        this.journal.append(batch);
        this.metrics.journaled += batch.length;
      }
      return false;
    } finally {
      clearTimeout(early);
    }
  }

  /**
   * The insert, failing when it takes longer than `slowMs` (a locked table, a stalled server), or
   * than `patientMs` where given (a shutdown), which is also how long it may wait on a lock.
   */
  private async insertInTime(batch: readonly Prediction[], patientMs?: number): Promise<void> {
    const budgetMs = patientMs ?? this.slowMs;
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const slow = new Promise<never>((_resolve, reject) => (timer = setTimeout(() => reject(new Error(`insert took over ${budgetMs} ms`)), budgetMs)));
    try {
      await Promise.race([this.store.insertBatch(batch, patientMs), slow]);
    } finally {
      clearTimeout(timer);
    }
    // On SQLite the insert is synchronous, so the timer cannot fire: measure instead.
    if (performance.now() - started > budgetMs) throw new Error(`insert took over ${budgetMs} ms`);
  }

  /** Replays the journal beside the flushes (one recovery at a time; `recovering` is it). */
  private startRecovery(): void {
    this.recovering = this.recover().finally(() => (this.recovering = undefined));
  }

  private markDegraded(cause: unknown): void {
    this.metrics.storeFailures++;
    this.degradedSince = Date.now();
    const error = cause instanceof Error ? cause : new Error(String(cause));
    if (error instanceof InsertRefused) {
      this.metrics.refusals++;
      // One line when the refusals start (or their reason changes), not one per retry.
      if (this.refusalsInRow === 0 || error.message !== this.lastError?.message) {
        this.warn(`threadline: predictions refused, a configuration error: ${error.message}; they are kept in the journal (${this.journalDir}) and retried after ${this.retryMs} ms, then less and less often, every ${this.maxRetryMs} ms at most`);
      }
      this.refusalsInRow++;
      this.retryDelayMs = Math.min(this.maxRetryMs, this.retryMs * 2 ** (this.refusalsInRow - 1));
    } else {
      this.refusalsInRow = 0;
      this.retryDelayMs = this.retryMs;
    }
    this.lastError = error;
  }

  private markRecovered(): void {
    if (this.refusalsInRow > 0) this.warn('threadline: predictions are taken again; the journal is replayed');
    this.degradedSince = undefined;
    this.refusalsInRow = 0;
    this.retryDelayMs = this.retryMs;
    this.lastError = undefined;
  }

  /**
   * Tries the store again by replaying the journal, over and over until no file is left; the
   * last check and the switch back to the store happen in one tick, so no journaled line is missed.
   */
  private async recover(patientMs?: number): Promise<void> {
    try {
      for (;;) {
        this.journal.rotate();
        if (this.journal.replayable().length === 0) break;
        await this.replay(patientMs);
      }
      this.markRecovered();
    } catch (error) {
      this.markDegraded(error);
    }
  }

  private async replay(patientMs?: number): Promise<void> {
    for (const file of this.journal.replayable()) {
      let records: Prediction[];
      try {
        records = readJournal(file);
      } catch {
        continue; // replayed and removed by another process meanwhile
      }
      for (let i = 0; i < records.length; i += this.batchSize) await this.insertInTime(records.slice(i, i + this.batchSize), patientMs);
      this.metrics.replayed += records.length;
      fs.rmSync(file, { force: true });
    }
  }
}
