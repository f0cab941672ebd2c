import { describe, expect, it } from 'vitest';
import { poolSettings, postgresDialect } from './postgres.js';

describe('PostgreSQL pool size from configuration', () => {
  const url = 'postgres://tl@127.0.0.1:5432/threadline';

  it('takes ?pool_size= from the URL (removed before pg sees it), else THREADLINE_DB_POOL_SIZE, else 10', () => {
    expect(poolSettings(`${url}?pool_size=25&sslmode=disable`, {})).toEqual({ connectionString: `${url}?sslmode=disable`, poolSize: 25 });
    expect(poolSettings(url, { THREADLINE_DB_POOL_SIZE: '4' })).toEqual({ connectionString: url, poolSize: 4 });
    expect(poolSettings(`${url}?pool_size=3`, { THREADLINE_DB_POOL_SIZE: '4' }).poolSize).toBe(3);
    expect(poolSettings(url, {}).poolSize).toBe(10);
    expect(() => poolSettings(url, { THREADLINE_DB_POOL_SIZE: 'lots' })).toThrow(/pool size must be 1-1000, got 'lots'/);
    expect(postgresDialect(url, { THREADLINE_DB_POOL_SIZE: '7' }).pool.options.max).toBe(7);
  });

  it('listens for errors on the pool, so a lost idle connection is no uncaught exception', () => {
    expect(postgresDialect(url, {}).pool.listenerCount('error')).toBe(1);
  });
});
