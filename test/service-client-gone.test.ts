import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-server.js';

/**
 * A client that hangs up takes its queries with it (issue 13): on PostgreSQL the server cancels
 * them with pg_cancel_backend instead of letting them hold a pool connection until they end.
 * The queries are kept waiting here by a lock another session holds on `runs`; the proof is
 * pg_stat_activity, where a forgotten query would sit waiting for as long as the lock is held.
 * (SQLite's queries run synchronously inside the request and cannot outlive it.)
 */
describe('queries of a client that went away, on postgres', () => {
  let api: TestApi;
  let locker: pg.Client;
  let watcher: pg.Client;
  beforeAll(async () => {
    api = await startTestApi('postgres');
    locker = new pg.Client({ connectionString: api.databaseUrl });
    watcher = new pg.Client({ connectionString: api.databaseUrl });
    await Promise.all([locker.connect(), watcher.connect()]);
  });
  afterAll(async () => {
    await locker.end();
    await watcher.end();
    await api.close();
  });

  /** Queries of the server's pool now waiting on a lock in this database. */
  async function waiting(): Promise<number> {
    const rows = await watcher.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid NOT IN ($1, pg_backend_pid()) AND state = 'active' AND wait_event_type = 'Lock'`,
      [(locker as unknown as { processID: number }).processID],
    );
    return rows.rows[0].n as number;
  }

  async function until(check: () => Promise<boolean>, ms: number): Promise<boolean> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (await check()) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return check();
  }

  it('cancels the GET and the JSON POST queries once their clients abort, and serves the next request', { timeout: 30_000 }, async () => {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE runs IN ACCESS EXCLUSIVE MODE');
    try {
      const gone = new AbortController();
      const requests = [
        fetch(`${api.url}/api/runs`, { signal: gone.signal }),
        fetch(`${api.url}/api/2.0/mlflow/runs/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ experiment_ids: ['0'], filter: "tags.team = 'alpha'" }), signal: gone.signal }),
      ].map((request) => request.catch((error: Error) => error.name));
      // Both reach the database and wait on the lock.
      expect(await until(async () => (await waiting()) >= 2, 10_000)).toBe(true);
      gone.abort();
      expect(await Promise.all(requests)).toEqual(['AbortError', 'AbortError']);
      // The lock is still held: only a cancel ends them.
      expect(await until(async () => (await waiting()) === 0, 5_000)).toBe(true);
    } finally {
      await locker.query('COMMIT');
    }
    const after = await fetch(`${api.url}/api/runs`);
    expect(after.status).toBe(200);
  });
});
