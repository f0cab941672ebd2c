import type { ListPredictionsQuery } from '../serving/types.js';

/** The HTTP parameters of a prediction list query (GET /api/predictions), as the server reads them. */
export function predictionQueryParams(query: ListPredictionsQuery): URLSearchParams {
  const params = new URLSearchParams();
  const set = (key: string, value: string | number | undefined) => {
    if (value !== undefined && value !== '') params.set(key, String(value));
  };
  set('deployment', query.deploymentId);
  set('model', query.modelName);
  set('since', query.since);
  set('until', query.until);
  set('status', query.status);
  set('minLatencyMs', query.minLatencyMs);
  set('maxLatencyMs', query.maxLatencyMs);
  // `TIME:ID`, as the route reads it (src/serving/list-query.ts).
  if (query.before) set('before', `${query.before.time}:${query.before.id}`);
  set('limit', query.limit);
  return params;
}
