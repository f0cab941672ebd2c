import type { ThreadlineApi } from '../../../src/contract.js';
import { predictionQueryParams } from '../../../src/sdk/prediction-query.js';

/** The part of the contract the pages use: the same native API, the same paths, as the SDK. */
export type WebApi = Pick<
  ThreadlineApi,
  | 'trace'
  | 'formatTrace'
  | 'searchRuns'
  | 'getRun'
  | 'metricHistory'
  | 'listExperiments'
  | 'getDataVersion'
  | 'searchModels'
  | 'getModel'
  | 'searchModelVersions'
  | 'modelHistory'
  | 'listDeployments'
  | 'getDeployment'
  | 'planRollback'
  | 'rollback'
  | 'listPredictions'
  | 'getPrediction'
  | 'listEvents'
  | 'listObserverHealth'
  | 'listValidations'
>;

/** `{error_code, message}` from the server, as the SDK's ThreadlineApiError carries it. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    let parsed: { error_code?: string; message?: string } = {};
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(parsed.error_code ?? 'INTERNAL', parsed.message ?? `HTTP ${response.status}`, response.status);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

const q = (entries: Record<string, string | number | undefined>) => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(entries)) if (value !== undefined && value !== '') params.set(key, String(value));
  return params.toString();
};

/** A small fetch client in the browser (the SDK runs on undici): its methods are typed by the contract. */
export const api: WebApi = {
  trace: (id, o = {}) => call('GET', `/api/lineage/trace?${q({ id, direction: o.direction, depth: o.depth, type: o.type })}`),
  formatTrace: async (id, format, o = {}) => (await call<{ text: string }>('GET', `/api/lineage/formatted?${q({ id, format, direction: o.direction, depth: o.depth, type: o.type })}`)).text,
  searchRuns: (query) => call('POST', '/api/runs/search', query),
  getRun: (id) => call('GET', `/api/runs/${encodeURIComponent(id)}`),
  metricHistory: async (runId, key) => (await call<{ metrics: Awaited<ReturnType<WebApi['metricHistory']>> }>('GET', `/api/runs/${runId}/metrics/${encodeURIComponent(key)}`)).metrics,
  listExperiments: async (view = 'active') => (await call<{ experiments: Awaited<ReturnType<WebApi['listExperiments']>> }>('GET', `/api/experiments?view=${view}`)).experiments,
  getDataVersion: (digest) => call('GET', `/api/data/${encodeURIComponent(digest)}`),
  searchModels: async (s = {}) => {
    const page = await call<{ models: Awaited<ReturnType<WebApi['searchModels']>>['items']; nextPageToken?: string }>('GET', `/api/models?${q({ filter: s.filter, maxResults: s.maxResults, pageToken: s.pageToken })}`);
    return { items: page.models, nextPageToken: page.nextPageToken };
  },
  getModel: (name) => call('GET', `/api/models/${encodeURIComponent(name)}`),
  searchModelVersions: async (s = {}) => {
    const page = await call<{ versions: Awaited<ReturnType<WebApi['searchModelVersions']>>['items']; nextPageToken?: string }>('GET', `/api/model-versions?${q({ filter: s.filter, maxResults: s.maxResults, pageToken: s.pageToken })}`);
    return { items: page.versions, nextPageToken: page.nextPageToken };
  },
  modelHistory: async (name) => (await call<{ history: Awaited<ReturnType<WebApi['modelHistory']>> }>('GET', `/api/models/${encodeURIComponent(name)}/history`)).history,
  listDeployments: async (environment) => (await call<{ deployments: Awaited<ReturnType<WebApi['listDeployments']>> }>('GET', `/api/deployments?${q({ environment })}`)).deployments,
  getDeployment: (id) => call('GET', `/api/deployments/${encodeURIComponent(id)}`),
  planRollback: (environment, by = {}) => call('GET', `/api/environments/${encodeURIComponent(environment)}/rollback?${q({ run: by.runId, to: by.to })}`),
  rollback: (environment, by = {}) => call('POST', `/api/environments/${encodeURIComponent(environment)}/rollback`, { run: by.runId, to: by.to }),
  listPredictions: async (o = {}) => (await call<{ predictions: Awaited<ReturnType<WebApi['listPredictions']>> }>('GET', `/api/predictions?${predictionQueryParams(o)}`)).predictions,
  getPrediction: (id) => call('GET', `/api/predictions/${encodeURIComponent(id)}`),
  listEvents: async (o = {}) =>
    (await call<{ events: Awaited<ReturnType<WebApi['listEvents']>> }>('GET', `/api/events?${q({ stage: o.stage, kind: o.kind, severity: o.severity, source: o.source, since: o.since, limit: o.limit, subject: o.subject && `${o.subject.type}:${o.subject.id}` })}`)).events,
  listObserverHealth: async () => (await call<{ observers: Awaited<ReturnType<WebApi['listObserverHealth']>> }>('GET', '/api/observers')).observers,
  listValidations: async (o = {}) => (await call<{ validations: Awaited<ReturnType<WebApi['listValidations']>> }>('GET', `/api/validations?${q({ data: o.data, suite: o.suite, limit: o.limit })}`)).validations,
};

/** A blob's bytes, for artifact download links and previews. */
export const blobUrl = (digest: string) => `/api/blobs/${encodeURIComponent(digest)}`;
