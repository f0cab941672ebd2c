import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TraceOptions } from '../../../src/lineage/trace-types.js';
import type { SearchRunsQuery } from '../../../src/registry/search-filter/search-runs-query.js';
import type { ListEventsQuery } from '../../../src/events/types.js';
import type { ListPredictionsQuery, PredictionCursor } from '../../../src/serving/types.js';
import { api } from './client';

// One hook per endpoint; the query key is the call, so every view is cached by what it asked.
export const useTrace = (id: string, options: TraceOptions) => useQuery({ queryKey: ['trace', id, options], queryFn: () => api.trace(id, options), enabled: id !== '' });
export const useRun = (id: string) => useQuery({ queryKey: ['run', id], queryFn: () => api.getRun(id) });
export const useMetricHistory = (runId: string, key: string) => useQuery({ queryKey: ['metric', runId, key], queryFn: () => api.metricHistory(runId, key) });
export const useExperiments = () => useQuery({ queryKey: ['experiments'], queryFn: () => api.listExperiments('active') });
export const useDataVersion = (digest: string) => useQuery({ queryKey: ['data', digest], queryFn: () => api.getDataVersion(digest) });
export const useModels = () => useQuery({ queryKey: ['models'], queryFn: () => api.searchModels({ maxResults: 1000 }) });
export const useModel = (name: string) => useQuery({ queryKey: ['model', name], queryFn: () => api.getModel(name) });
export const useModelVersions = (name: string) =>
  useQuery({ queryKey: ['versions', name], queryFn: () => api.searchModelVersions({ filter: `name = '${name.replace(/'/g, "''")}'`, maxResults: 1000 }) });
export const useModelHistory = (name: string) => useQuery({ queryKey: ['history', name], queryFn: () => api.modelHistory(name) });
export const useDeployments = (environment?: string) => useQuery({ queryKey: ['deployments', environment ?? ''], queryFn: () => api.listDeployments(environment) });
/** The prediction log a page at a time, newest first: each next page starts after the last prediction of the one before. */
export const usePredictionPages = (query: Omit<ListPredictionsQuery, 'before'> & { limit: number }) =>
  useInfiniteQuery({
    queryKey: ['predictions', query],
    queryFn: ({ pageParam }) => api.listPredictions({ ...query, before: pageParam }),
    initialPageParam: undefined as PredictionCursor | undefined,
    getNextPageParam: (last) => (last.length < query.limit ? undefined : { time: last.at(-1)!.time, id: last.at(-1)!.id }),
  });
export const usePrediction = (id: string) => useQuery({ queryKey: ['prediction', id], queryFn: () => api.getPrediction(id) });
export const useEvents = (query: ListEventsQuery) => useQuery({ queryKey: ['events', query], queryFn: () => api.listEvents(query) });
export const useObserverHealth = () => useQuery({ queryKey: ['observers'], queryFn: () => api.listObserverHealth() });
export const useValidations = () => useQuery({ queryKey: ['validations'], queryFn: () => api.listValidations({ limit: 200 }) });

/** Runs page by page (the table asks for the next page as it is scrolled near the end). */
export const useRunPages = (query: Omit<SearchRunsQuery, 'pageToken'>) =>
  useInfiniteQuery({
    queryKey: ['runs', query],
    queryFn: ({ pageParam }) => api.searchRuns({ ...query, pageToken: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextPageToken,
  });

export const useRollback = (environment: string) => {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (to?: number) => api.rollback(environment, to === undefined ? {} : { to }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['deployments'] }),
  });
};
