export { ThreadlineClient } from './client.js';
export { ThreadlineApiError } from './errors.js';
export type * from './types.js';
