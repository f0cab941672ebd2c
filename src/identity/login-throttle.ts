import { createHash } from 'node:crypto';
import { resourceExhausted } from '../errors.js';
import type { Store } from '../store/database.js';
import { LoginFailureStore } from './login-failure-store.js';

/** Who failed to log in: the client address, and the user name when one was given. */
export interface LoginAttempt {
  address: string;
  user?: string;
}

export interface ThrottleLimits {
  perUser: number;
  perAddress: number;
  windowMs: number;
}

const defaultLimits: ThrottleLimits = { perUser: 10, perAddress: 100, windowMs: 15 * 60_000 };
// Old rows are swept at most this often per process (each failure already bounds its own keys).
const pruneEveryMs = 60_000;

/**
 * Failed logins, counted per user name and per client address over a sliding window: past a
 * limit, further attempts are refused with 429 until the window has moved on, so a password
 * cannot be guessed at network speed. An address gets more tries than a name (a NAT hides many
 * people). Counted in the store, so that every replica sees the failures of all of them.
 */
export class LoginThrottle {
  private lastPrune = 0;
  private readonly failures: LoginFailureStore;

  constructor(
    store: Store,
    private readonly limits: ThrottleLimits = defaultLimits,
  ) {
    this.failures = new LoginFailureStore(store.db);
  }

  /** Throws RESOURCE_EXHAUSTED when the user or the address has failed too often lately. */
  async check(attempt: LoginAttempt, now = Date.now()): Promise<void> {
    const keys = this.keysOf(attempt);
    const recent = await this.failures.recent(
      keys.map(([key]) => key),
      now - this.limits.windowMs,
    );
    for (const [key, limit] of keys) {
      const seen = recent.get(key);
      if (seen && seen.count >= limit) {
        const retryAfterS = Math.max(1, Math.ceil((seen.oldest + this.limits.windowMs - now) / 1000));
        throw resourceExhausted(`too many failed logins: try again in ${retryAfterS}s`, { retryAfterS });
      }
    }
  }

  async fail(attempt: LoginAttempt, now = Date.now()): Promise<void> {
    await this.failures.insert(
      this.keysOf(attempt).map(([key]) => key),
      now,
    );
    if (now - this.lastPrune >= pruneEveryMs) {
      this.lastPrune = now;
      await this.failures.prune(now - this.limits.windowMs);
    }
  }

  private keysOf(attempt: LoginAttempt): [string, number][] {
    const keys: [string, number][] = [[digest(`address:${attempt.address}`), this.limits.perAddress]];
    if (attempt.user !== undefined) keys.push([digest(`user:${attempt.user}`), this.limits.perUser]);
    return keys;
  }
}

// A password typed into the user field must not reach the store: only digests of the keys do.
const digest = (key: string) => createHash('sha256').update(key).digest('hex');
