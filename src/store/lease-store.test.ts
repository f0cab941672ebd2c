import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, freshStore } from '../../test/dialects.js';
import type { Store } from './database.js';
import { LeaseStore } from './lease-store.js';

describe.each(dialects)('leases on %s', (dialect) => {
  let store: Store;
  let leases: LeaseStore;

  beforeAll(async () => {
    store = await freshStore(dialect);
    leases = new LeaseStore(store.db);
  });
  afterAll(() => store.close());

  it('one of many concurrent takers wins; the holder renews; nobody else takes it before it expires; then one does', async () => {
    const t0 = 1_000_000;
    const takers = Array.from({ length: 12 }, (_, i) => `p${i}`);
    const won = await Promise.all(takers.map((h) => leases.acquire('observer:data:orders', h, 10_000, t0)));
    expect(won.filter(Boolean)).toHaveLength(1);
    const holder = takers[won.indexOf(true)]!;
    const other = takers.find((h) => h !== holder)!;

    expect(await leases.acquire('observer:data:orders', holder, 10_000, t0 + 5000)).toBe(true);
    expect(await leases.acquire('observer:data:orders', other, 10_000, t0 + 14_000)).toBe(false);
    expect(await leases.get('observer:data:orders')).toEqual({ name: 'observer:data:orders', holder, acquiredAt: t0, expiresAt: t0 + 15_000 });

    // The holder stopped renewing (it died): after expiry exactly one other takes over.
    const after = await Promise.all(takers.filter((h) => h !== holder).map((h) => leases.acquire('observer:data:orders', h, 10_000, t0 + 15_000)));
    expect(after.filter(Boolean)).toHaveLength(1);
    expect((await leases.get('observer:data:orders'))!.acquiredAt).toBe(t0 + 15_000);
  });

  it('release frees the lease at once, and only its holder can release it', async () => {
    expect(await leases.acquire('x', 'a', 60_000, 0)).toBe(true);
    await leases.release('x', 'b');
    expect(await leases.acquire('x', 'b', 60_000, 1)).toBe(false);
    await leases.release('x', 'a');
    expect(await leases.acquire('x', 'b', 60_000, 2)).toBe(true);
  });
});
