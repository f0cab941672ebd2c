import { attachAlerts } from '../alerts/attach.js';
import { loadConfig, type ThreadlineConfig } from '../config.js';
import { openThreadline, type Threadline } from '../context.js';
import type { ThreadlineApi } from '../contract.js';
import { embeddedApi } from './embedded-api.js';
import { tokenFor } from './credentials.js';

/** The one interface, two back ends: a server at THREADLINE_URL, or the embedded store. */
export interface Backend {
  api: ThreadlineApi;
  /** Present in embedded mode, for commands that serve HTTP themselves. */
  local?: Threadline;
  config: ThreadlineConfig;
}

export async function openBackend(config: ThreadlineConfig = loadConfig()): Promise<Backend> {
  // The HTTP client (undici) is loaded only for a server: the embedded default never pays for it.
  if (config.serverUrl) return { api: new (await import('../sdk/client.js')).ThreadlineClient(config.serverUrl, { token: tokenFor(config.serverUrl) }), config };
  const local = await openThreadline(config);
  try {
    attachAlerts(local, config.projectFile);
  } catch (error) {
    // A broken threadline.yaml must not stop unrelated commands (`observe` and `server` refuse it
    // up front); it is worth a warning only when an event goes unalerted.
    let warned = false;
    local.events.onEvent(() => {
      if (!warned) process.stderr.write(`threadline: alerts are off: ${(error as Error).message}\n`);
      warned = true;
    });
  }
  return { api: embeddedApi(local, config.home), local, config };
}

/** Opens, runs `work`, and always closes. */
export async function withBackend<T>(work: (backend: Backend) => Promise<T>): Promise<T> {
  const backend = await openBackend();
  try {
    return await work(backend);
  } finally {
    await backend.api.close();
  }
}
