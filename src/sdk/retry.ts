import { ThreadlineApiError } from './errors.js';

/** How long the client keeps retrying an idempotent call across an outage (a replica or database restart). */
export interface RetryPolicy {
  /** Total time budget for one call; 0 turns retries off. */
  timeoutMs: number;
  /** First pause; doubled after each attempt up to `maxDelayMs`, with jitter. */
  initialDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetry: RetryPolicy = { timeoutMs: 30_000, initialDelayMs: 100, maxDelayMs: 2000 };

/** THREADLINE_RETRY_TIMEOUT (`30s`, `0` for none, or seconds) over the defaults. */
export function retryFromEnv(env: NodeJS.ProcessEnv = process.env): RetryPolicy {
  const raw = env.THREADLINE_RETRY_TIMEOUT?.trim();
  if (!raw) return defaultRetry;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(raw);
  if (!match) throw new ThreadlineApiError('INVALID_ARGUMENT', `THREADLINE_RETRY_TIMEOUT takes a duration like 30s, got '${raw}'`, 0);
  const factor = match[2] === 'ms' ? 1 : match[2] === 'm' ? 60_000 : 1000;
  return { ...defaultRetry, timeoutMs: Number(match[1]) * factor };
}

/**
 * A failure worth another try: the server said it is briefly unavailable (503, or a balancer's
 * 502/504), or the connection failed after the server had been reached once. A server never
 * reached is more likely a wrong URL than an outage: that fails at once.
 */
export function isTransient(error: unknown, reached: boolean): boolean {
  if (!(error instanceof ThreadlineApiError)) return false;
  if (error.status === 0) return reached;
  return error.status === 502 || error.status === 503 || error.status === 504;
}

/** Runs `attempt` until it succeeds, fails for good, or the policy's time is up. */
export async function withRetry<T>(policy: RetryPolicy, attempt: () => Promise<T>, transient: (error: unknown) => boolean): Promise<T> {
  const deadline = Date.now() + policy.timeoutMs;
  let delay = policy.initialDelayMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      const pause = delay / 2 + Math.random() * (delay / 2);
      if (!transient(error) || Date.now() + pause > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, pause));
      delay = Math.min(delay * 2, policy.maxDelayMs);
    }
  }
}
