import path from 'node:path';
import { openStore, type Store } from '../../store/database.js';
import { PredictionStore } from '../prediction-store.js';
import { SqliteInsertWorker, type PredictionInserter } from '../prediction-log/sqlite-worker.js';
import { PredictionLog, type PredictionLogHealth, type PredictionLogOptions } from '../prediction-log/writer.js';
import { resolveIdentity, type ServingIdentity } from '../proxy/identity.js';
import { connectMiddleware } from './connect.js';
import { fastifyPlugin } from './fastify.js';
import { IngestInserter } from './ingest-inserter.js';
import { RequestTracer, type TracerOptions } from './tracer.js';

export type { ServingIdentity } from '../proxy/identity.js';
export type { PredictionLogHealth } from '../prediction-log/writer.js';

export interface TracingMiddlewareOptions extends Omit<TracerOptions, 'identity' | 'sink'> {
  /** A Threadline server (default THREADLINE_URL): records go to its `POST /api/predictions:batch`. */
  serverUrl?: string;
  /** Its API token (default THREADLINE_TOKEN). */
  token?: string;
  /** Or straight to a store: a SQLite file or a `postgres://` URL (default THREADLINE_DB_URL, when no server is given). */
  databaseUrl?: string;
  /** Where the journal of unsent batches lives (default `$THREADLINE_HOME/journal`, `.threadline/journal`). */
  home?: string;
  /** Default: from the deployment row (straight to a store) or THREADLINE_DEPLOYMENT, THREADLINE_MODEL, THREADLINE_RUN_ID, GIT_SHA. */
  identity?: ServingIdentity;
  /** The queue, batching and journal settings of the prediction log (as `threadline proxy`'s). */
  log?: Omit<PredictionLogOptions, 'journalDir'>;
}

export interface TracingMiddleware {
  /** `app.use(tracing.connect)`: Express, Connect, or first thing in a node:http handler. */
  connect: ReturnType<typeof connectMiddleware>;
  /** `await app.register(tracing.fastify)`: every route of the instance. */
  fastify: ReturnType<typeof fastifyPlugin>;
  /** What every response and record is stamped with. */
  identity: ServingIdentity;
  log: PredictionLog;
  /**
   * Where the records stand: `ok`, `degraded` (the server or store failing: journaled, retried
   * every second) or `refused` (the server refusing them as configured, a bad token or URL:
   * journaled, retried with backoff up to a minute), with the last error and the counters.
   */
  health(): PredictionLogHealth;
  /** Flushes the log: everything queued reaches the server (or store), or the journal for the next start. */
  close(): Promise<void>;
}

/**
 * In-process tracing for a Node model server, the contract of `threadline proxy` without the
 * hop: prediction ids and `x-threadline-*` headers on every response, the trace fields in JSON
 * objects, one record per request written off the request path by the prediction log (bounded
 * queue, append-only journal while the server or store is away, replayed when it answers).
 *
 * @example
 * const tracing = await createTracingMiddleware({ serverUrl: 'http://threadline:5000' });
 * app.use(tracing.connect);              // Express
 * await fastify.register(tracing.fastify); // or Fastify
 * process.on('SIGTERM', () => void tracing.close());
 */
export async function createTracingMiddleware(options: TracingMiddlewareOptions = {}): Promise<TracingMiddleware> {
  const serverUrl = options.serverUrl ?? (options.databaseUrl ? undefined : process.env.THREADLINE_URL || undefined);
  const databaseUrl = options.databaseUrl ?? (serverUrl ? undefined : process.env.THREADLINE_DB_URL || undefined);
  if (!serverUrl && !databaseUrl) throw new Error('the tracing middleware needs a Threadline server (serverUrl or THREADLINE_URL) or a store (databaseUrl or THREADLINE_DB_URL)');
  const home = options.home ?? (process.env.THREADLINE_HOME || '.threadline');
  let store: Store | undefined;
  let inserter: PredictionInserter;
  if (serverUrl) {
    inserter = new IngestInserter(serverUrl, options.token ?? process.env.THREADLINE_TOKEN);
  } else {
    store = await openStore(databaseUrl!);
    // On a SQLite file the inserts run on a worker thread, off the server's event loop (as the proxy's).
    const file = store.sqlite && !store.sqlite.memory ? store.sqlite.name : undefined;
    inserter = file ? new SqliteInsertWorker(file) : new PredictionStore(store);
  }
  const identity = options.identity ?? (await resolveIdentity(store, undefined));
  const log = new PredictionLog(inserter, { journalDir: path.join(home, 'journal'), ...options.log });
  await log.start();
  const tracer = new RequestTracer({ ...options, identity, sink: log });
  return {
    connect: connectMiddleware(tracer),
    fastify: fastifyPlugin(tracer),
    identity,
    log,
    health: () => log.health,
    async close() {
      await log.close();
      await inserter.close?.();
      await store?.close();
    },
  };
}
