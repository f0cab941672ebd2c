import type { RunSummary } from '../tracking/types.js';
import type { LoggedModel } from './logged-models/types.js';
import type { SearchRunsQuery } from './search-filter/search-runs-query.js';
import type { AliasMove, CreateModelInput, CreateVersionInput, ModelVersion, Page, RegisterInput, RegisteredModel, SearchInput } from './types.js';

/** Registered models, versions, aliases and MLflow 3 logged models: the registry part of the ThreadlineApi contract. */
export interface RegistryApi {
  createModel(input: CreateModelInput): Promise<RegisteredModel>;
  getModel(name: string): Promise<RegisteredModel>;
  searchModels(search?: SearchInput): Promise<Page<RegisteredModel>>;
  /** A run's artifact path as the model's next version; the model is created when missing. */
  registerModel(input: RegisterInput): Promise<ModelVersion>;
  createModelVersion(input: CreateVersionInput): Promise<ModelVersion>;
  getModelVersion(name: string, version: number | string): Promise<ModelVersion>;
  /** `name@alias`, `name/3`, `name/Production` or `name` (its latest version). */
  resolveModel(ref: string): Promise<ModelVersion>;
  searchModelVersions(search?: SearchInput): Promise<Page<ModelVersion>>;
  /** An MLflow 3 logged model (`m-…`) with its files, params, tags and metrics. NOT_FOUND when absent or deleted. */
  getLoggedModel(modelId: string): Promise<LoggedModel>;
  setModelAlias(name: string, alias: string, version: number | string, actor?: string): Promise<ModelVersion>;
  deleteModelAlias(name: string, alias: string, actor?: string): Promise<void>;
  modelHistory(name: string): Promise<AliasMove[]>;
  /** Runs matching an MLflow filter (`metrics.auc > 0.8 and params.k = '5'`), one page in the order asked for. */
  searchRuns(query: SearchRunsQuery): Promise<Page<RunSummary>>;
}
