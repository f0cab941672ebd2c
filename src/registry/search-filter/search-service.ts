import type { Store } from '../../store/database.js';
import { searchExperiments, type SearchExperimentsOptions, type SearchExperimentsResult } from './experiment-search-store.js';
import { searchRuns, type SearchRunsOptions, type SearchRunsResult } from './run-search-store.js';

/** MLflow's search grammar over runs and experiments: a page of ids, in the order asked for. */
export class SearchService {
  constructor(private readonly store: Store) {}

  runs(options: SearchRunsOptions): Promise<SearchRunsResult> {
    return searchRuns(this.store, options);
  }

  experiments(options: SearchExperimentsOptions = {}): Promise<SearchExperimentsResult> {
    return searchExperiments(this.store, options);
  }
}
