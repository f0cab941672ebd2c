import type { FastifyInstance } from 'fastify';
import type { Threadline } from '../../context.js';
import { artifactProxyEndpoints } from './artifact-proxy.js';
import { artifactListEndpoints } from './artifacts.js';
import { jsonBodiesOnly, rawBodies } from './body-parsers.js';
import { mlflowErrorHandler, mlflowNotFoundHandler } from './errors.js';
import { experimentEndpoints } from './experiments.js';
import { loggedModelEndpoints } from './logged-models.js';
import { registryEndpoints } from './registry-routes.js';
import { runInputEndpoints } from './run-inputs.js';
import { runLoggingEndpoints } from './run-logging.js';
import { runEndpoints } from './runs.js';

/** A group of MLflow endpoints, registered with paths relative to `/api/2.0/mlflow`. */
export type MlflowEndpoints = (app: FastifyInstance, tl: Threadline) => void;

/** The tracking half; the model registry adds its group here. */
const endpointGroups: readonly MlflowEndpoints[] = [experimentEndpoints, runEndpoints, runLoggingEndpoints, runInputEndpoints, artifactListEndpoints, registryEndpoints, loggedModelEndpoints];

// MLflow's UI calls the same handlers under /ajax-api; its clients use /api.
const prefixes = ['/api/2.0', '/ajax-api/2.0'] as const;

/**
 * MLflow's REST API 2.0 (tracking) and its artifact proxy, as encapsulated Fastify plugins: the
 * error handler, the 404 handler and the body parsers below apply to MLflow paths only, so the
 * native API keeps its own error codes.
 */
export function mlflowRoutes(app: FastifyInstance, tl: Threadline): void {
  for (const prefix of prefixes) {
    void app.register(
      async (scope) => {
        scope.setErrorHandler(mlflowErrorHandler);
        scope.setNotFoundHandler(mlflowNotFoundHandler);
        jsonBodiesOnly(scope);
        for (const group of endpointGroups) group(scope, tl);
      },
      { prefix: `${prefix}/mlflow` },
    );
    void app.register(
      async (scope) => {
        scope.setErrorHandler(mlflowErrorHandler);
        scope.setNotFoundHandler(mlflowNotFoundHandler);
        rawBodies(scope);
        artifactProxyEndpoints(scope, tl);
      },
      { prefix: `${prefix}/mlflow-artifacts` },
    );
  }
}
