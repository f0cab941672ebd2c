import Fastify, { LogController, type FastifyInstance, type RouteOptions } from 'fastify';
import type { Threadline } from '../context.js';
import { HttpMetrics } from '../alerts/http-metrics.js';
import { allowedHostsFor, guardBrowsers } from './browser-guard.js';
import { defaultBodyLimits, guardBodies, markStreamed, type BodyLimits } from './body-guard.js';
import { errorHandler } from './error-handler.js';
import { cancelWhenClientGone } from './client-gone.js';
import { checkInputs } from './input-check.js';
import { healthRoutes, type HealthState } from './routes/health.js';
import { stringifyWithNonFinite } from './json.js';
import { loggedModelRoutes } from './routes/logged-models.js';
import { mlflowRoutes } from './mlflow/index.js';
import { artifactRoutes } from './routes/artifacts.js';
import { deploymentRoutes } from './routes/deployments.js';
import { experimentRoutes } from './routes/experiments.js';
import { imageRoutes } from './routes/images.js';
import { lineageRoutes } from './routes/lineage.js';
import { modelRoutes } from './routes/models.js';
import { openLineageRoutes } from './routes/openlineage.js';
import { predictionRoutes } from './routes/predictions.js';
import { eventRoutes } from './routes/events.js';
import { observerRoutes } from './routes/observers.js';
import { metricsRoutes } from './routes/metrics.js';
import { mlflowIngestRoutes } from './routes/mlflow-ingest.js';
import { runRoutes } from './routes/runs.js';
import { validationRoutes } from './routes/validations.js';
import { webRoutes } from './routes/web.js';
import { identityRoutes } from './routes/identity.js';
import { installAuth, type AuthOptions } from './auth/index.js';
import { allowOrigins } from './auth/cors.js';
import { newUuid } from '../ids.js';

export interface ServerOptions {
  /** Log each request (info). Off by default so that `threadline run` output stays the child's own. */
  logger?: boolean;
  /**
   * Structured JSON logs (pino) at this level, on `logStream` (default stderr): every 5xx with
   * its cause at `error`. `threadline server` sets it (THREADLINE_LOG_LEVEL, default info).
   */
  logLevel?: string;
  logStream?: NodeJS.WritableStream;
  /** Body size, in-flight budget and timeouts; the defaults when absent. */
  bodies?: Partial<BodyLimits>;
  /** Called for every route as it is added: the fuzz suite enumerates the API this way. */
  onRoute?: (route: RouteOptions) => void;
  /** Host header values served; the default: loopback names, plus all local addresses when bound to a wildcard. */
  allowedHosts?: readonly string[];
  /** The built web UI to serve at `/`: default dist/web of this package; null serves the API alone. */
  webRoot?: string | null;
  /** Who may do what; by default no credentials are needed and a request acts as the local user (loopback). */
  auth?: AuthOptions;
}

export interface ServerHandle {
  app: FastifyInstance;
  url: string;
  /** Readiness goes 503, then in-flight requests finish; after `graceMs` open sockets are cut. */
  drain(graceMs: number): Promise<void>;
}

/** The HTTP API over one opened Threadline. Routes are thin: parse, call the domain, reply. */
export function buildServer(tl: Threadline, options: ServerOptions = {}, health: HealthState = { draining: false }): FastifyInstance {
  const logged = options.logger || options.logLevel !== undefined;
  const bodies = { ...defaultBodyLimits, ...options.bodies };
  const app = Fastify({
    logger: logged
      ? // Requests are logged by method, URL and address only: never bodies or headers (tokens).
        { level: options.logLevel ?? 'info', stream: options.logStream ?? process.stderr, redact: ['req.headers.authorization', 'req.headers.cookie'] }
      : false,
    logController: new LogController({ disableRequestLogging: !options.logger }),
    bodyLimit: bodies.bodyLimit,
    requestTimeout: bodies.requestTimeoutMs,
    connectionTimeout: bodies.idleTimeoutMs,
    // Request ids go into the audit log: unique across replicas and restarts.
    genReqId: () => newUuid(),
  });
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  cancelWhenClientGone(app);
  guardBrowsers(app, new Set(options.allowedHosts ?? allowedHostsFor('127.0.0.1')));
  const auth: AuthOptions = options.auth ?? { required: false };
  const throttle = tl.logins;
  allowOrigins(app, auth.corsOrigins ?? []);
  installAuth(app, { identity: tl.identity, throttle }, auth);
  checkInputs(app);
  guardBodies(app, bodies);
  const http = new HttpMetrics();
  app.addHook('onResponse', (request, reply, done) => {
    http.observe(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  app.setReplySerializer((payload) => stringifyWithNonFinite(payload));
  // Artifact uploads stream straight through to the artifact store.
  app.addContentTypeParser('application/octet-stream', (request, payload, done) => {
    markStreamed(request);
    done(null, payload);
  });
  app.setErrorHandler(errorHandler);
  webRoutes(app, options.webRoot);

  healthRoutes(app, tl, health);
  experimentRoutes(app, tl);
  runRoutes(app, tl);
  artifactRoutes(app, tl);
  modelRoutes(app, tl);
  loggedModelRoutes(app, tl);
  lineageRoutes(app, tl);
  mlflowRoutes(app, tl);
  mlflowIngestRoutes(app, tl);
  openLineageRoutes(app, tl);
  predictionRoutes(app, tl);
  validationRoutes(app, tl);
  imageRoutes(app, tl);
  deploymentRoutes(app, tl);
  eventRoutes(app, tl);
  observerRoutes(app, tl);
  metricsRoutes(app, tl, http);
  identityRoutes(app, tl, { ttlMs: auth.sessionTtlMs ?? 12 * 3_600_000, secureCookies: auth.secureCookies ?? false, throttle });
  return app;
}

/** Listens on loopback unless told otherwise, and says where. */
export async function startServer(tl: Threadline, host = '127.0.0.1', port = 5000, options: ServerOptions = {}): Promise<ServerHandle> {
  const health: HealthState = { draining: false };
  const app = buildServer(tl, { ...options, allowedHosts: [...allowedHostsFor(host, options.allowedHosts)] }, health);
  await app.listen({ host, port });
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const drain = async (graceMs: number) => {
    health.draining = true;
    // fastify.close stops accepting, answers requests on kept-alive sockets with 503 and
    // resolves once in-flight requests are done; a request still running at the grace is cut.
    const cut = setTimeout(() => app.server.closeAllConnections(), graceMs);
    try {
      await app.close();
    } finally {
      clearTimeout(cut);
    }
  };
  return { app, url: `http://${shownHost}:${boundPort}`, drain };
}
