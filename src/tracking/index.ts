export { ExperimentService } from './experiment-service.js';
export { RunService } from './run-service.js';
export { limits } from './limits.js';
export type * from './types.js';
