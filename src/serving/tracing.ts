import path from 'node:path';
import v8 from 'node:v8';
import type { Store } from '../store/database.js';
import { PredictionStore } from './prediction-store.js';
import { SqliteInsertWorker, type PredictionInserter } from './prediction-log/sqlite-worker.js';
import { PredictionLog, type PredictionLogOptions } from './prediction-log/writer.js';
import { TracingProxy, type TracingProxyOptions } from './proxy/proxy-server.js';

export interface TracingOptions extends Omit<TracingProxyOptions, 'sink'> {
  /** `$THREADLINE_HOME`: the journal goes to its `journal/` folder. */
  home: string;
  log?: Omit<PredictionLogOptions, 'journalDir'>;
}

export interface Tracing {
  proxy: TracingProxy;
  log: PredictionLog;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then flushes the log: what SIGTERM does. */
  close(graceMs?: number): Promise<void>;
}

/** The tracing proxy wired to a prediction log on the store: what `proxy` and `serve` run. */
export async function startTracing(store: Store, options: TracingOptions): Promise<Tracing> {
  // V8's allocation-site pretenuring misjudges the proxy's per-request objects as long-lived and
  // allocates them straight in the old space: at 2,000 req/s the old space grew ~2.5 MB per
  // scavenge, scavenges took 5–15 ms instead of ~1.5 ms (old→new pointers to scan) and a
  // mark-compact came every ~2 s; those pauses were the proxy's p99 (bench/proxy.ts with
  // BENCH_PROXY_NODE_ARGS=--trace-gc). The flag is read when V8 decides, so setting it here works.
  v8.setFlagsFromString('--no-allocation-site-pretenuring');
  // On a SQLite file the batches are written from a worker thread, so that the proxy's event
  // loop never waits on an insert or a WAL checkpoint (bench/proxy.ts: p99 latency).
  const file = store.sqlite && !store.sqlite.memory ? store.sqlite.name : undefined;
  const inserter: PredictionInserter = file ? new SqliteInsertWorker(file) : new PredictionStore(store);
  const log = new PredictionLog(inserter, { journalDir: path.join(options.home, 'journal'), ...options.log });
  await log.start();
  const proxy = new TracingProxy({ ...options, sink: log });
  return {
    proxy,
    log,
    async close(graceMs) {
      await proxy.close(graceMs);
      await log.close();
      await inserter.close?.();
    },
  };
}
