import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, freshStore } from '../../test/dialects.js';
import type { Store } from '../store/database.js';
import { LoginThrottle } from './login-throttle.js';

const limits = { perUser: 3, perAddress: 5, windowMs: 60_000 };
const refusal = (promise: Promise<void>) => promise.then(
  () => undefined,
  (error: { code?: string; details?: { retryAfterS?: number } }) => error,
);

describe.each(dialects)('the login throttle on %s', (dialect) => {
  let store: Store;

  beforeAll(async () => {
    store = await freshStore(dialect);
  });
  afterAll(() => store.close());

  it('refuses a user past its limit, on every throttle over the store, until the window moves on', async () => {
    // Two throttles over one store: two replicas.
    const a = new LoginThrottle(store, limits);
    const b = new LoginThrottle(store, limits);
    const t0 = 1_000_000;
    await a.fail({ address: '10.0.0.1', user: 'ana' }, t0);
    await b.fail({ address: '10.0.0.2', user: 'ana' }, t0 + 1_000);
    await a.check({ address: '10.0.0.3', user: 'ana' }, t0 + 2_000);
    await b.fail({ address: '10.0.0.3', user: 'ana' }, t0 + 2_000);

    for (const throttle of [a, b]) {
      const error = await refusal(throttle.check({ address: '10.0.0.9', user: 'ana' }, t0 + 10_000));
      expect(error).toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
      // The oldest of the three failures leaves the window 60 s after it: 50 s from now.
      expect(error?.details?.retryAfterS).toBe(50);
    }
    // Another user from the same addresses is not refused, nor is ana once the first failure is old.
    await a.check({ address: '10.0.0.1', user: 'bob' }, t0 + 10_000);
    await a.check({ address: '10.0.0.1', user: 'ana' }, t0 + 60_001);
  });

  it('refuses an address past its limit whatever the names tried', async () => {
    const throttle = new LoginThrottle(store, limits);
    const t0 = 5_000_000;
    for (let i = 0; i < 5; i++) await throttle.fail({ address: '192.0.2.7', user: `user-${i}` }, t0 + i);
    expect(await refusal(throttle.check({ address: '192.0.2.7', user: 'someone-new' }, t0 + 100))).toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
    expect(await refusal(throttle.check({ address: '192.0.2.7' }, t0 + 100))).toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
    expect(await refusal(throttle.check({ address: '192.0.2.8', user: 'someone-new' }, t0 + 100))).toBeUndefined();
  });

  it('keeps only digests of what was tried, and sweeps failures that no longer count', async () => {
    const throttle = new LoginThrottle(store, limits);
    const typedIntoUserField = 'hunter2-correct-horse';
    const t0 = 9_000_000;
    await throttle.fail({ address: '198.51.100.4', user: typedIntoUserField }, t0);
    const rows = await store.db.selectFrom('login_failures').selectAll().execute();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.key).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(typedIntoUserField);
    expect(JSON.stringify(rows)).not.toContain('198.51.100.4');

    // A failure a window later sweeps every row older than the window.
    await throttle.fail({ address: '198.51.100.4' }, t0 + 2 * limits.windowMs);
    const left = await store.db.selectFrom('login_failures').select('failed_at').execute();
    expect(left.map((r) => r.failed_at)).toEqual([t0 + 2 * limits.windowMs]);
  });
});
