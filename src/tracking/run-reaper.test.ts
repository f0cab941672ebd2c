import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, freshStore } from '../../test/dialects.js';
import type { Store } from '../store/database.js';
import { startRunReaper } from './run-reaper.js';
import { RunService } from './run-service.js';
import { endReasonTag } from './run-tags.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(dialects)('stale runs on %s', (dialect) => {
  let store: Store;
  let runs: RunService;
  beforeAll(async () => {
    store = await freshStore(dialect);
    runs = new RunService(store);
  });
  afterAll(() => store.close());

  it('the reaper ends runs whose heartbeat stopped, not beating ones nor runs that never beat', async () => {
    const silent = await runs.create({ name: 'silent', heartbeat: true });
    const alive = await runs.create({ name: 'alive', heartbeat: true });
    const mlflow = await runs.create({ name: 'mlflow-client' });
    const done = await runs.create({ name: 'done', heartbeat: true });
    await runs.update(done.runId, { status: 'FINISHED', endTime: Date.now() });
    const ended: string[] = [];
    const stop = startRunReaper(runs, { timeoutMs: 1000, everyMs: 100, onEnded: (ids) => ended.push(...ids) });
    try {
      for (let i = 0; i < 20; i++) {
        expect((await runs.heartbeat(alive.runId)).running).toBe(true);
        await sleep(100);
      }
    } finally {
      stop();
    }
    expect(ended).toEqual([silent.runId]);
    const reaped = await runs.get(silent.runId);
    expect(reaped.info.status).toBe('KILLED');
    expect(reaped.info.endTime).toBeGreaterThan(reaped.info.startTime);
    expect(reaped.tags[endReasonTag]).toMatch(/no heartbeat since .* its writer stopped/);
    expect((await runs.info(alive.runId)).status).toBe('RUNNING');
    expect((await runs.info(mlflow.runId)).status).toBe('RUNNING');
    expect((await runs.info(done.runId)).status).toBe('FINISHED');
    // A late heartbeat does not bring a reaped run back.
    expect((await runs.heartbeat(silent.runId)).running).toBe(false);
  });

  it('gc ends runs that never beat only when asked, and each stale run once across concurrent callers', async () => {
    const mlflow = await runs.create({ name: 'old-mlflow' });
    const beating = await runs.create({ name: 'stopped', heartbeat: true });
    await sleep(20);
    const [a, b] = await Promise.all([runs.endStale({ olderThanMs: 10 }), runs.endStale({ olderThanMs: 10 })]);
    expect([...a, ...b].filter((id) => id === beating.runId)).toHaveLength(1);
    expect([...a, ...b]).not.toContain(mlflow.runId);
    expect(await runs.endStale({ olderThanMs: 10, includeUnmonitored: true })).toContain(mlflow.runId);
    expect((await runs.get(mlflow.runId)).tags[endReasonTag]).toMatch(/no heartbeat, started over/);
    await expect(runs.endStale({ olderThanMs: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
