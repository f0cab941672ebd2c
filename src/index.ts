export { openThreadline, type Threadline } from './context.js';
export { loadConfig, type ThreadlineConfig } from './config.js';
export { ThreadlineError, type ErrorCode } from './errors.js';
export { buildServer, startServer } from './api/server.js';
export { ThreadlineClient } from './sdk/client.js';
