import { resourceExhausted } from '../../errors.js';

/**
 * Failed logins, counted per client address and per user name over a sliding window: past the
 * limit, further attempts are refused with 429 until the window has moved on, so a password
 * cannot be guessed at network speed. Kept in memory: each replica counts its own.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit = 10,
    private readonly windowMs = 15 * 60_000,
  ) {}

  /** Throws RESOURCE_EXHAUSTED when any of `keys` has failed too often lately. */
  check(keys: readonly string[], now = Date.now()): void {
    for (const key of keys) {
      const recent = this.recent(key, now);
      if (recent.length >= this.limit) {
        const retryAfterS = Math.ceil((recent[0]! + this.windowMs - now) / 1000);
        throw resourceExhausted(`too many failed logins: try again in ${retryAfterS}s`, { retryAfterS });
      }
    }
  }

  fail(keys: readonly string[], now = Date.now()): void {
    for (const key of keys) this.failures.set(key, [...this.recent(key, now), now]);
    // Forget keys that have gone quiet, so that a flood of made-up names cannot grow the map forever.
    if (this.failures.size > 10_000) for (const [key, times] of this.failures) if (times[times.length - 1]! < now - this.windowMs) this.failures.delete(key);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
  }
}
