import { parseDuration } from '../duration.js';
import type { RunService } from './run-service.js';

/** How long a heartbeating run may go silent before the server ends it. */
export const defaultHeartbeatTimeoutMs = 10 * 60_000;
/** How often `threadline run` beats. */
export const defaultHeartbeatIntervalMs = 30_000;

/** `THREADLINE_RUN_HEARTBEAT_TIMEOUT` (`10m` by default; `0` or `off` turns the reaper off). */
export function heartbeatTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = env.THREADLINE_RUN_HEARTBEAT_TIMEOUT?.trim();
  if (!value) return defaultHeartbeatTimeoutMs;
  if (value === 'off' || value === '0') return 0;
  return parseDuration(value, 'THREADLINE_RUN_HEARTBEAT_TIMEOUT');
}

/** `THREADLINE_RUN_HEARTBEAT_INTERVAL` (`30s` by default). */
export function heartbeatIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = env.THREADLINE_RUN_HEARTBEAT_INTERVAL?.trim();
  const ms = value ? parseDuration(value, 'THREADLINE_RUN_HEARTBEAT_INTERVAL') : defaultHeartbeatIntervalMs;
  return Math.max(ms, 100);
}

export interface RunReaperOptions {
  timeoutMs: number;
  /** How often to look; a quarter of the timeout by default, at most a minute. */
  everyMs?: number;
  onEnded?: (runIds: string[]) => void;
  onError?: (error: unknown) => void;
}

/**
 * The server's reaper: ends runs whose writer stopped heartbeating (a `threadline run` killed
 * with -9, a machine gone). Returns a function that stops it. Runs that never beat are not touched.
 */
export function startRunReaper(runs: RunService, options: RunReaperOptions): () => void {
  if (options.timeoutMs <= 0) return () => undefined;
  const everyMs = options.everyMs ?? Math.min(Math.max(options.timeoutMs / 4, 1000), 60_000);
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const ended = await runs.endStale({ olderThanMs: options.timeoutMs });
      if (ended.length > 0) options.onEnded?.(ended);
    } catch (error) {
      options.onError?.(error);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
