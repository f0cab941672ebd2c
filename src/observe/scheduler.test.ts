import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dialects, freshDatabaseUrl } from '../../test/dialects.js';
import { openThreadline, type Threadline } from '../context.js';
import type { ObserverAgent } from './agent.js';
import { readProject } from './project-file.js';
import { pokeOnce, runForever, type PlannedObserver, type SchedulerOptions } from './scheduler.js';
import { healthKey, listObserverHealth, ObserverState, type ObserverHealth } from './state-store.js';

/** An agent whose poke throws `thrown` synchronously (not a rejected promise). */
function throwing(thrown: unknown): ObserverAgent<unknown> {
  return {
    stage: 'code',
    defaultInterval: '1m',
    settings: z.unknown(),
    poke: (() => {
      throw thrown;
    }) as unknown as ObserverAgent<unknown>['poke'],
  };
}

const planned = (name: string, agent: ObserverAgent<unknown>, intervalMs = 60_000): PlannedObserver => ({ entry: { stage: 'code', name, settings: {} }, agent, settings: {}, intervalMs });

describe.each(dialects)('scheduler on %s', (dialect) => {
  let tl: Threadline;
  let options: SchedulerOptions;
  const lines: string[] = [];

  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-scheduler-'));
    tl = await openThreadline({ databaseUrl: await freshDatabaseUrl(dialect), artifactsUrl: path.join(dir, 'artifacts'), s3: { region: 'us-east-1', forcePathStyle: true } });
    options = { tl, config: {} as never, project: readProject({}, path.join(dir, 'threadline.yaml')), log: (m) => lines.push(m) };
  });
  afterAll(() => tl.close());

  it('counts whatever an agent throws synchronously as a failed poke: an Error, one without a message, a string, null', async () => {
    const signal = new AbortController().signal;
    const cases: [unknown, string][] = [
      [new Error('boom'), 'boom'],
      [new Error(), 'failed without a message'],
      ['plain string', 'plain string'],
      [null, 'null'],
    ];
    for (const [i, [thrown, message]] of cases.entries()) {
      const outcome = await pokeOnce(planned(`code:t${i}`, throwing(thrown)), options, signal);
      expect(outcome).toMatchObject({ ok: false, error: message, events: [] });
    }
    const health = await listObserverHealth(tl.store);
    expect(health.filter((h) => h.observer.startsWith('code:t')).map((h) => [h.pokes, h.failures, h.lastSuccess])).toEqual(cases.map(() => [1, 1, null]));
  });

  it('runForever keeps poking a throwing agent, and the other observers, until aborted; a broken health record loses a poke, not the loop', async () => {
    // A health row that is not JSON: reading it fails outside the agent's try.
    await tl.store.db.insertInto('observer_state').values({ observer: 'code:broken', key: healthKey, value: '{not json', updated_at: 0 }).execute();
    let healthyPokes = 0;
    const healthy: ObserverAgent<unknown> = { ...throwing(null), poke: async () => void healthyPokes++ };
    const stop = new AbortController();
    const running = runForever([planned('code:sync', throwing(new Error('sync boom')), 20), planned('code:broken', healthy, 20), planned('code:ok', healthy, 20)], options, stop.signal);
    // Long enough for three rounds on a busy machine: each observer first takes its lease.
    await new Promise((resolve) => setTimeout(resolve, 800));
    stop.abort();
    await expect(running).resolves.toBeUndefined();
    const sync = (await new ObserverState(tl.store.db, 'code:sync').get<ObserverHealth>(healthKey))!;
    expect(sync.pokes).toBeGreaterThanOrEqual(3);
    expect(sync.failures).toBe(sync.pokes);
    expect(healthyPokes).toBeGreaterThanOrEqual(3);
    expect(lines.some((l) => l.startsWith('[code:broken] poke not recorded:'))).toBe(true);
  });
});
