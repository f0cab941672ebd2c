import type { FastifyRequest } from 'fastify';
import type { Requirement } from '../../identity/permissions.js';
import type { Permission, ResourceType } from '../../identity/types.js';

/** How a route finds the resource it acts on in its request; undefined: it names none (a list, a create). */
type ResourceOf = (request: FastifyRequest) => string | undefined;

/** What a route needs, before its request is known. */
export type RouteNeed = Exclude<Requirement, { kind: 'resource' }> | { kind: 'resource'; resourceType: ResourceType; permission: Permission; of: ResourceOf };

const open: RouteNeed = { kind: 'public' };
const viewer: RouteNeed = { kind: 'role', role: 'viewer' };
const editor: RouteNeed = { kind: 'role', role: 'editor' };
const admin: RouteNeed = { kind: 'role', role: 'admin' };
/** Signed in as anyone: what a browser session asks about itself. */
const anyone: RouteNeed = { kind: 'authenticated' };

const on =
  (resourceType: ResourceType) =>
  (permission: Permission, of: ResourceOf): RouteNeed => ({ kind: 'resource', resourceType, permission, of });
const model = on('model');
const experiment = on('experiment');
const environment = on('environment');

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined);
const param = (name: string): ResourceOf => (request) => text((request.params as Record<string, unknown> | undefined)?.[name]);
/** An MLflow field: from the query string of a GET, else from the JSON body. */
const field = (name: string): ResourceOf => (request) => {
  const source = request.method === 'GET' ? request.query : request.body;
  return source && typeof source === 'object' ? text((source as Record<string, unknown>)[name]) : undefined;
};
/** `prod#14` or `prod` (the `#` percent-decoded by the router). */
const deploymentEnvironment: ResourceOf = (request) => param('id')(request)?.split('#')[0];

/**
 * THE permission table: every route the server registers, keyed `METHOD path` as registered (the
 * MLflow routes once, under `/api/2.0`; their `/ajax-api/2.0` twins need the same). A route
 * missing here is refused with 500 and fails the completeness test, so none is open by mistake.
 * Global roles stand for READ (viewer), EDIT (editor) and MANAGE (admin) on every resource; a
 * grant raises one principal's permission on one experiment (by id), model or environment.
 */
export const routePermissions: Readonly<Record<string, RouteNeed>> = {
  // Health and metrics are read by probes and scrapers that carry no credentials.
  'GET /api/health': open,
  'GET /api/health/live': open,
  'GET /api/health/ready': open,
  'GET /metrics': viewer,

  // Sessions for the web UI: logging in is open (and rate-limited); the rest needs a caller.
  'POST /api/auth/login': open,
  'POST /api/auth/logout': open,
  'GET /api/auth/session': anyone,

  // Identity and the audit log: admins only, but for a principal's own tokens.
  'GET /api/audit': admin,
  'GET /api/principals': admin,
  'POST /api/principals': admin,
  'GET /api/principals/:name': admin,
  'PATCH /api/principals/:name': admin,
  'GET /api/principals/:name/grants': admin,
  'PUT /api/principals/:name/grants': admin,
  'DELETE /api/principals/:name/grants/:type/:resource': admin,
  'GET /api/tokens': anyone,
  'POST /api/tokens': anyone,
  'DELETE /api/tokens/:id': anyone,

  // Tracking (native).
  'GET /api/experiments': viewer,
  'POST /api/experiments': editor,
  'GET /api/experiments/:id': experiment('READ', param('id')),
  'PATCH /api/experiments/:id': experiment('EDIT', param('id')),
  'DELETE /api/experiments/:id': experiment('MANAGE', param('id')),
  'POST /api/experiments/:id/restore': experiment('MANAGE', param('id')),
  'GET /api/experiments/by-name/:name': viewer,
  'PUT /api/experiments/by-name/:name': editor,
  'GET /api/runs': viewer,
  // A search with a body: a read.
  'POST /api/runs/search': viewer,
  'POST /api/runs': editor,
  'POST /api/runs/end-stale': admin,
  'GET /api/runs/:id': viewer,
  'PATCH /api/runs/:id': editor,
  'DELETE /api/runs/:id': editor,
  'POST /api/runs/:id/restore': editor,
  'POST /api/runs/:id/batch': editor,
  'POST /api/runs/:id/data': editor,
  'POST /api/runs/:id/heartbeat': editor,
  'PUT /api/runs/:id/code': editor,
  'PUT /api/runs/:id/environment': editor,
  'GET /api/runs/:id/metrics/:key': viewer,
  'GET /api/runs/:id/artifacts': viewer,
  'GET /api/runs/:id/artifacts/*': viewer,
  'PUT /api/runs/:id/artifacts/*': editor,
  'PUT /api/blobs': editor,
  'GET /api/blobs/:digest': viewer,
  'GET /api/data/:digest': viewer,
  'POST /api/mlflow/backfill': admin,

  // Registry (native).
  'GET /api/models': viewer,
  'POST /api/models': editor,
  'GET /api/models/resolve/*': viewer,
  'GET /api/models/:name': model('READ', param('name')),
  'PATCH /api/models/:name': model('EDIT', param('name')),
  'DELETE /api/models/:name': model('MANAGE', param('name')),
  'PUT /api/models/:name/tags/:key': model('EDIT', param('name')),
  'DELETE /api/models/:name/tags/:key': model('EDIT', param('name')),
  'GET /api/models/:name/history': model('READ', param('name')),
  'POST /api/models/:name/versions': model('EDIT', param('name')),
  'GET /api/models/:name/versions/:version': model('READ', param('name')),
  'PATCH /api/models/:name/versions/:version': model('EDIT', param('name')),
  'DELETE /api/models/:name/versions/:version': model('MANAGE', param('name')),
  'PUT /api/models/:name/versions/:version/tags/:key': model('EDIT', param('name')),
  'DELETE /api/models/:name/versions/:version/tags/:key': model('EDIT', param('name')),
  'GET /api/models/:name/aliases/:alias': model('READ', param('name')),
  'PUT /api/models/:name/aliases/:alias': model('EDIT', param('name')),
  'DELETE /api/models/:name/aliases/:alias': model('EDIT', param('name')),
  'GET /api/model-versions': viewer,
  'GET /api/logged-models/:id': viewer,

  // Lineage, release, serving, events, observers, validations.
  'GET /api/lineage/resolve': viewer,
  'GET /api/lineage/trace': viewer,
  'GET /api/lineage/formatted': viewer,
  'GET /api/images': viewer,
  'GET /api/images/*': viewer,
  'POST /api/images': editor,
  'GET /api/deployments': viewer,
  'GET /api/deployments/resolve': viewer,
  'GET /api/deployments/:id': environment('READ', deploymentEnvironment),
  'POST /api/deployments': environment('EDIT', field('environment')),
  'PATCH /api/deployments/:id': environment('EDIT', deploymentEnvironment),
  'GET /api/environments/:env/rollback': environment('READ', param('env')),
  // Rolling back deploys: the same right as recording a deployment to that environment.
  'POST /api/environments/:env/rollback': environment('EDIT', param('env')),
  'GET /api/predictions': viewer,
  'GET /api/predictions/:id': viewer,
  'POST /api/predictions/:id/feedback': editor,
  'POST /api/feedback': editor,
  // Bulk ingest from the middlewares (`:` escaped as the router registers it).
  'POST /api/predictions::batch': editor,
  'GET /api/events': viewer,
  'GET /api/events/:id': viewer,
  'POST /api/events': editor,
  'GET /api/observers': viewer,
  'GET /api/validations': viewer,
  'GET /api/validations/:id': viewer,
  'POST /api/validations': editor,

  // OpenLineage ingest.
  'POST /api/v1/lineage': editor,

  // MLflow tracking.
  'POST /api/2.0/mlflow/experiments/create': editor,
  'GET /api/2.0/mlflow/experiments/get': experiment('READ', field('experiment_id')),
  'GET /api/2.0/mlflow/experiments/get-by-name': viewer,
  'GET /api/2.0/mlflow/experiments/search': viewer,
  'POST /api/2.0/mlflow/experiments/search': viewer,
  'POST /api/2.0/mlflow/experiments/update': experiment('EDIT', field('experiment_id')),
  'POST /api/2.0/mlflow/experiments/delete': experiment('MANAGE', field('experiment_id')),
  'POST /api/2.0/mlflow/experiments/restore': experiment('MANAGE', field('experiment_id')),
  'POST /api/2.0/mlflow/experiments/set-experiment-tag': experiment('EDIT', field('experiment_id')),
  'POST /api/2.0/mlflow/experiments/delete-experiment-tag': experiment('EDIT', field('experiment_id')),
  'POST /api/2.0/mlflow/experiments/delete-tag': experiment('EDIT', field('experiment_id')),
  'POST /api/2.0/mlflow/runs/create': experiment('EDIT', field('experiment_id')),
  'GET /api/2.0/mlflow/runs/get': viewer,
  'POST /api/2.0/mlflow/runs/search': viewer,
  // The MLflow UI's search (under /ajax-api only).
  'GET /api/2.0/mlflow/runs/search': viewer,
  'POST /api/2.0/mlflow/runs/update': editor,
  'POST /api/2.0/mlflow/runs/delete': editor,
  'POST /api/2.0/mlflow/runs/restore': editor,
  'POST /api/2.0/mlflow/runs/set-tag': editor,
  'POST /api/2.0/mlflow/runs/delete-tag': editor,
  'POST /api/2.0/mlflow/runs/log-batch': editor,
  'POST /api/2.0/mlflow/runs/log-metric': editor,
  'POST /api/2.0/mlflow/runs/log-parameter': editor,
  'POST /api/2.0/mlflow/runs/log-model': editor,
  'POST /api/2.0/mlflow/runs/log-inputs': editor,
  'POST /api/2.0/mlflow/runs/outputs': editor,
  'GET /api/2.0/mlflow/metrics/get-history': viewer,
  'GET /api/2.0/mlflow/artifacts/list': viewer,
  'GET /api/2.0/mlflow-artifacts/artifacts': viewer,
  'GET /api/2.0/mlflow-artifacts/artifacts/*': viewer,
  'PUT /api/2.0/mlflow-artifacts/artifacts/*': editor,
  'DELETE /api/2.0/mlflow-artifacts/artifacts/*': editor,

  // MLflow 3 logged models.
  'POST /api/2.0/mlflow/logged-models': editor,
  'POST /api/2.0/mlflow/logged-models/search': viewer,
  'GET /api/2.0/mlflow/logged-models/:model_id': viewer,
  'PATCH /api/2.0/mlflow/logged-models/:model_id': editor,
  'DELETE /api/2.0/mlflow/logged-models/:model_id': editor,
  'POST /api/2.0/mlflow/logged-models/:model_id/params': editor,
  'PATCH /api/2.0/mlflow/logged-models/:model_id/tags': editor,
  'DELETE /api/2.0/mlflow/logged-models/:model_id/tags/:tag_key': editor,
  'GET /api/2.0/mlflow/logged-models/:model_id/artifacts/directories': viewer,
  'GET /api/2.0/mlflow/logged-models/:model_id/artifacts/files': viewer,

  // MLflow model registry.
  'POST /api/2.0/mlflow/registered-models/create': editor,
  'GET /api/2.0/mlflow/registered-models/get': model('READ', field('name')),
  'GET /api/2.0/mlflow/registered-models/search': viewer,
  'GET /api/2.0/mlflow/registered-models/get-latest-versions': model('READ', field('name')),
  'POST /api/2.0/mlflow/registered-models/get-latest-versions': model('READ', field('name')),
  'POST /api/2.0/mlflow/registered-models/rename': model('MANAGE', field('name')),
  'PATCH /api/2.0/mlflow/registered-models/update': model('EDIT', field('name')),
  'DELETE /api/2.0/mlflow/registered-models/delete': model('MANAGE', field('name')),
  'POST /api/2.0/mlflow/registered-models/set-tag': model('EDIT', field('name')),
  'DELETE /api/2.0/mlflow/registered-models/delete-tag': model('EDIT', field('name')),
  'GET /api/2.0/mlflow/registered-models/alias': model('READ', field('name')),
  'POST /api/2.0/mlflow/registered-models/alias': model('EDIT', field('name')),
  'DELETE /api/2.0/mlflow/registered-models/alias': model('EDIT', field('name')),
  'POST /api/2.0/mlflow/model-versions/create': model('EDIT', field('name')),
  'GET /api/2.0/mlflow/model-versions/get': model('READ', field('name')),
  'GET /api/2.0/mlflow/model-versions/get-download-uri': model('READ', field('name')),
  'GET /api/2.0/mlflow/model-versions/search': viewer,
  'PATCH /api/2.0/mlflow/model-versions/update': model('EDIT', field('name')),
  'DELETE /api/2.0/mlflow/model-versions/delete': model('MANAGE', field('name')),
  'POST /api/2.0/mlflow/model-versions/set-tag': model('EDIT', field('name')),
  'DELETE /api/2.0/mlflow/model-versions/delete-tag': model('EDIT', field('name')),
  'POST /api/2.0/mlflow/model-versions/transition-stage': model('EDIT', field('name')),
};

/** The table's key of a registered route: the MLflow UI's `/ajax-api` twins share their `/api` entry. */
export function routeKey(method: string, url: string): string {
  return `${method} ${url.replace(/^\/ajax-api\//, '/api/')}`;
}

/** The need of one request, its resource found; undefined when the route is not in the table. */
export function requirementOf(request: FastifyRequest): Requirement | undefined {
  if (request.routeOptions.config?.webAsset) return { kind: 'public' };
  const need = routePermissions[routeKey(request.method === 'HEAD' ? 'GET' : request.method, request.routeOptions.url ?? '')];
  if (!need) return undefined;
  return need.kind === 'resource' ? { kind: 'resource', resourceType: need.resourceType, permission: need.permission, name: need.of(request) } : need;
}
