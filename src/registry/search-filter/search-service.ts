import { parseWith } from '../../errors.js';
import { z } from 'zod';
import type { Store } from '../../store/database.js';
import { searchExperiments, type SearchExperimentsOptions, type SearchExperimentsResult } from './experiment-search-store.js';
import { searchRuns, type SearchRunsOptions, type SearchRunsResult } from './run-search-store.js';
import type { Experiment, RunSummary } from '../../tracking/types.js';
import type { Page } from '../types.js';
import type { SearchRunsQuery } from './search-runs-query.js';

/** What a page of runs is filled from: the runs themselves, and the experiments searched by default. */
export interface RunReader {
  summaries(runIds: readonly string[]): Promise<RunSummary[]>;
  activeExperiments(): Promise<Experiment[]>;
}

const queryShape = z.object({
  experimentIds: z.array(z.string()).optional(),
  filter: z.string().max(10_000).optional(),
  orderBy: z.array(z.string().max(500)).max(20).optional(),
  maxResults: z.coerce.number().optional(),
  pageToken: z.string().max(200).optional(),
});

/** MLflow's search grammar over runs and experiments: a page of ids, in the order asked for. */
export class SearchService {
  constructor(
    private readonly store: Store,
    private readonly reader: RunReader,
  ) {}

  runs(options: SearchRunsOptions): Promise<SearchRunsResult> {
    return searchRuns(this.store, options);
  }

  /** A page of runs with their params, latest metrics and tags (the web UI's runs table, the SDK's searchRuns). */
  async runSummaries(raw: SearchRunsQuery): Promise<Page<RunSummary>> {
    const query = parseWith(queryShape, raw ?? {}, 'Invalid run search');
    const experimentIds = query.experimentIds ?? (await this.reader.activeExperiments()).map((e) => e.experimentId);
    const page = await this.runs({ ...query, experimentIds });
    const items = await this.reader.summaries(page.runIds);
    return page.nextPageToken ? { items, nextPageToken: page.nextPageToken } : { items };
  }

  experiments(options: SearchExperimentsOptions = {}): Promise<SearchExperimentsResult> {
    return searchExperiments(this.store, options);
  }
}
