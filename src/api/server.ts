import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import type { Threadline } from '../context.js';
import { errorHandler, notFoundHandler } from './error-handler.js';
import { checkInputs } from './input-check.js';
import { defaultBodyLimits, guardBodies, markStreamed, type BodyLimits } from './body-guard.js';
import { stringifyWithNonFinite } from './json.js';
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
import { metricsRoutes } from './routes/metrics.js';
import { runRoutes } from './routes/runs.js';
import { validationRoutes } from './routes/validations.js';

export interface ServerOptions {
  /** Fastify's logger; off by default so that `threadline run` output stays the child's own. */
  logger?: boolean;
  /** Body size, in-flight budget and timeouts; the defaults when absent. */
  bodies?: Partial<BodyLimits>;
  /** Called for every route as it is added: the fuzz suite enumerates the API this way. */
  onRoute?: (route: RouteOptions) => void;
}

/** The HTTP API over one opened Threadline. Routes are thin: parse, call the domain, reply. */
export function buildServer(tl: Threadline, options: ServerOptions = {}): FastifyInstance {
  const bodies = { ...defaultBodyLimits, ...options.bodies };
  const app = Fastify({
    logger: options.logger ? { level: 'info', redact: ['req.headers.authorization', 'req.headers.cookie'] } : false,
    bodyLimit: bodies.bodyLimit,
    requestTimeout: bodies.requestTimeoutMs,
    connectionTimeout: bodies.idleTimeoutMs,
  });
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  checkInputs(app);
  guardBodies(app, bodies);
  app.setReplySerializer((payload) => stringifyWithNonFinite(payload));
  // Artifact uploads stream straight through to the artifact store.
  app.addContentTypeParser('application/octet-stream', (request, payload, done) => {
    markStreamed(request);
    done(null, payload);
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);

  app.get('/api/health', async () => ({ status: 'ok' }));
  experimentRoutes(app, tl);
  runRoutes(app, tl);
  artifactRoutes(app, tl);
  modelRoutes(app, tl);
  lineageRoutes(app, tl);
  mlflowRoutes(app, tl);
  openLineageRoutes(app, tl);
  predictionRoutes(app, tl);
  validationRoutes(app, tl);
  imageRoutes(app, tl);
  deploymentRoutes(app, tl);
  eventRoutes(app, tl);
  metricsRoutes(app, tl);
  return app;
}

/** Listens on loopback unless told otherwise, and says where. */
export async function startServer(tl: Threadline, host = '127.0.0.1', port = 5000, options: ServerOptions = {}): Promise<{ app: FastifyInstance; url: string }> {
  const app = buildServer(tl, options);
  await app.listen({ host, port });
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { app, url: `http://${shownHost}:${boundPort}` };
}
