export { parseFilter } from './parse.js';
export { parseOrderBy } from './order-by.js';
export { encodePageToken, decodePageToken, checkMaxResults, defaultMaxResults, maxResultsLimit } from './page-token.js';
export { searchRuns, type SearchRunsOptions, type SearchRunsResult } from './run-search-store.js';
export { searchExperiments, type SearchExperimentsOptions, type SearchExperimentsResult } from './experiment-search-store.js';
export { runsGrammar, experimentsGrammar, type FilterGrammar, type AttributeSpec, type EntitySpec } from './grammar.js';
export type { Comparator, Comparison, Entity, OrderBy, ViewType } from './types.js';
export { filterLimits } from './limits.js';
