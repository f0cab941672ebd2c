import type { RegistryApi } from '../registry/api.js';
import type { LoggedModel } from '../registry/logged-models/types.js';
import type { AliasMove, CreateModelInput, CreateVersionInput, ModelVersion, Page, RegisterInput, RegisteredModel, SearchInput } from '../registry/types.js';
import type { SearchRunsQuery } from '../registry/search-filter/search-runs-query.js';
import type { RunSummary } from '../tracking/types.js';
import type { HttpTransport } from './http.js';

/** Registered models, versions, aliases and logged models over HTTP. */
export function registryClient(http: HttpTransport): RegistryApi {
  const client: RegistryApi = {
    /**
     * @example
     * await tl.createModel({ name: 'amazon-recommender', description: 'next-basket recommender' });
     */
    createModel(input: CreateModelInput): Promise<RegisteredModel> {
      return http.call('POST', '/api/models', input);
    },

    /**
     * @example
     * const { aliases, latestVersions } = await tl.getModel('amazon-recommender');
     */
    getModel(name: string): Promise<RegisteredModel> {
      return http.call('GET', `/api/models/${encodeURIComponent(name)}`);
    },

    /**
     * Registered models matching an MLflow filter.
     *
     * @example
     * const { items } = await tl.searchModels({ filter: "name LIKE 'reco%'" });
     */
    async searchModels(search: SearchInput = {}): Promise<Page<RegisteredModel>> {
      const page = await http.call<{ models: RegisteredModel[]; nextPageToken?: string }>('GET', `/api/models?${searchQuery(search)}`);
      return pageOf(page.models, page.nextPageToken);
    },

    /**
     * Registers a run's artifact path as the model's next version (the model is created when missing).
     *
     * @example
     * const v = await tl.registerModel({ name: 'amazon-recommender', runId, artifactPath: 'model', tags: { DBR_RUN_ID: '777' } });
     */
    registerModel(input: RegisterInput): Promise<ModelVersion> {
      const { name, ...body } = input;
      return http.call('POST', `/api/models/${encodeURIComponent(name)}/versions`, body);
    },

    /**
     * @example
     * const v = await tl.createModelVersion({ name: 'amazon-recommender', source: 's3://models/reco/7' });
     */
    createModelVersion(input: CreateVersionInput): Promise<ModelVersion> {
      const { name, ...body } = input;
      return http.call('POST', `/api/models/${encodeURIComponent(name)}/versions`, body);
    },

    /**
     * @example
     * const v7 = await tl.getModelVersion('amazon-recommender', 7);
     */
    getModelVersion(name: string, version: number | string): Promise<ModelVersion> {
      return http.call('GET', `/api/models/${encodeURIComponent(name)}/versions/${encodeURIComponent(String(version))}`);
    },

    /**
     * The version a reference points at.
     *
     * @example
     * const champion = await tl.resolveModel('amazon-recommender@champion');
     */
    resolveModel(ref: string): Promise<ModelVersion> {
      return http.call('GET', `/api/models/resolve/${encodeURIComponent(ref)}`);
    },

    /**
     * An MLflow 3 logged model with its files (path, digest, size), params, tags and metrics.
     *
     * @example
     * const { files, sourceRunId } = await tl.getLoggedModel('m-0193c1f2…');
     */
    getLoggedModel(modelId: string): Promise<LoggedModel> {
      return http.call('GET', `/api/logged-models/${encodeURIComponent(modelId)}`);
    },

    /**
     * Model versions matching an MLflow filter.
     *
     * @example
     * const { items } = await tl.searchModelVersions({ filter: "name='amazon-recommender' and tag.DBR_RUN_ID = '777'" });
     */
    async searchModelVersions(search: SearchInput = {}): Promise<Page<ModelVersion>> {
      const page = await http.call<{ versions: ModelVersion[]; nextPageToken?: string }>('GET', `/api/model-versions?${searchQuery(search)}`);
      return pageOf(page.versions, page.nextPageToken);
    },

    /**
     * Points an alias at a version; the move is recorded with `actor`.
     *
     * @example
     * await tl.setModelAlias('amazon-recommender', 'champion', 7, 'alice');
     */
    setModelAlias(name: string, alias: string, version: number | string, actor?: string): Promise<ModelVersion> {
      return http.call('PUT', `/api/models/${encodeURIComponent(name)}/aliases/${encodeURIComponent(alias)}`, { version, actor });
    },

    /**
     * @example
     * await tl.deleteModelAlias('amazon-recommender', 'challenger', 'alice');
     */
    async deleteModelAlias(name: string, alias: string, actor?: string): Promise<void> {
      const query = actor ? `?actor=${encodeURIComponent(actor)}` : '';
      await http.call('DELETE', `/api/models/${encodeURIComponent(name)}/aliases/${encodeURIComponent(alias)}${query}`);
    },

    /**
     * @example
     * const moves = await tl.modelHistory('amazon-recommender'); // who moved which alias from what to what, when
     */
    async modelHistory(name: string): Promise<AliasMove[]> {
      return (await http.call<{ history: AliasMove[] }>('GET', `/api/models/${encodeURIComponent(name)}/history`)).history;
    },

    /**
     * A page of runs (params, latest metrics, tags) matching MLflow's filter grammar.
     *
     * @example
     * const { items, nextPageToken } = await tl.searchRuns({ filter: "metrics.auc > 0.8", orderBy: ['metrics.auc DESC'], maxResults: 100 });
     */
    searchRuns(query: SearchRunsQuery): Promise<Page<RunSummary>> {
      return http.call('POST', '/api/runs/search', query, undefined, 'json', true);
    },
  };
  return client;
}

function searchQuery(search: SearchInput): URLSearchParams {
  const params = new URLSearchParams();
  if (search.filter) params.set('filter', search.filter);
  if (search.maxResults !== undefined) params.set('maxResults', String(search.maxResults));
  if (search.pageToken) params.set('pageToken', search.pageToken);
  for (const clause of search.orderBy ?? []) params.append('orderBy', clause);
  return params;
}

function pageOf<T>(items: T[], nextPageToken: string | undefined): Page<T> {
  return nextPageToken ? { items, nextPageToken } : { items };
}
