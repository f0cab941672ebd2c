export { parseFilter } from './parse.js';
export { parseOrderBy } from './order-by.js';
export { encodePageToken, decodePageToken, checkMaxResults, defaultMaxResults, maxResultsLimit } from './page-token.js';
export { searchRuns, type SearchRunsOptions, type SearchRunsResult } from './compile-runs.js';
export { searchExperiments, type SearchExperimentsOptions, type SearchExperimentsResult } from './compile-experiments.js';
export { runsGrammar, experimentsGrammar, type FilterGrammar, type AttributeSpec, type EntitySpec } from './grammar.js';
export type { Comparator, Comparison, Entity, OrderBy, ViewType } from './types.js';
export { filterLimits } from './limits.js';
