import { resourceExhausted } from '../../errors.js';

/** Who failed to log in: the client address, and the user name when one was given. */
export interface LoginAttempt {
  address: string;
  user?: string;
}

/**
 * Failed logins, counted per user name and per client address over a sliding window: past a
 * limit, further attempts are refused with 429 until the window has moved on, so a password
 * cannot be guessed at network speed. An address gets more tries than a name (a NAT hides many
 * people). Kept in memory: each replica counts its own.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limits = { perUser: 10, perAddress: 100 },
    private readonly windowMs = 15 * 60_000,
  ) {}

  /** Throws RESOURCE_EXHAUSTED when the user or the address has failed too often lately. */
  check(attempt: LoginAttempt, now = Date.now()): void {
    for (const [key, limit] of this.keysOf(attempt)) {
      const recent = this.recent(key, now);
      if (recent.length >= limit) {
        const retryAfterS = Math.max(1, Math.ceil((recent[0]! + this.windowMs - now) / 1000));
        throw resourceExhausted(`too many failed logins: try again in ${retryAfterS}s`, { retryAfterS });
      }
    }
  }

  fail(attempt: LoginAttempt, now = Date.now()): void {
    for (const [key] of this.keysOf(attempt)) this.failures.set(key, [...this.recent(key, now), now]);
    // Forget keys that have gone quiet, so that a flood of made-up names cannot grow the map forever.
    if (this.failures.size > 10_000) for (const [key, times] of this.failures) if (times[times.length - 1]! < now - this.windowMs) this.failures.delete(key);
  }

  private keysOf(attempt: LoginAttempt): [string, number][] {
    const keys: [string, number][] = [[`address:${attempt.address}`, this.limits.perAddress]];
    if (attempt.user !== undefined) keys.push([`user:${attempt.user}`, this.limits.perUser]);
    return keys;
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
  }
}
