import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestApi, type TestApi } from '../../test/api-server.js';
import { dialects } from '../../test/dialects.js';
import { TraceService } from '../lineage/trace.js';
import { agents } from '../observe/agents.js';
import { readProject } from '../observe/project-file.js';
import { planObservers, runOnce } from '../observe/scheduler.js';
import { listObserverHealth } from '../observe/state-store.js';

describe.each(dialects)('events on %s', (dialect) => {
  let api: TestApi;
  let runId: string;

  beforeAll(async () => {
    api = await startTestApi(dialect);
    const experiment = await api.tl.experiments.ensure('events');
    runId = (await api.tl.runs.create({ experimentId: experiment.experimentId })).runId;
  });
  afterAll(() => api.close());

  it('records an event with its subjects and finds it by stage, severity, time and subject', async () => {
    const hourAgo = Date.now() - 3_600_000;
    const old = await api.client.recordEvent({ stage: 'data', kind: 'data_changed', summary: 'orders.csv changed', time: hourAgo - 60_000 });
    const worse = await api.client.recordEvent({ stage: 'training', kind: 'metric_regression', severity: 'error', summary: 'rmse up 12%', subjects: [{ type: 'run', id: runId }], details: { metric: 'rmse', before: 1, after: 1.12 } });
    const note = await api.client.recordEvent({ stage: 'training', kind: 'params_changed', severity: 'info', summary: 'lr changed', subjects: [{ type: 'run', id: runId }] });

    expect(worse).toMatchObject({ stage: 'training', severity: 'error', subjects: [{ type: 'run', id: runId }], details: { metric: 'rmse', after: 1.12 } });
    expect((await api.client.listEvents()).map((e) => e.id)).toEqual([note.id, worse.id, old.id]);
    expect((await api.client.listEvents({ stage: 'training' })).map((e) => e.id)).toEqual([note.id, worse.id]);
    expect((await api.client.listEvents({ severity: 'warning' })).map((e) => e.id)).toEqual([worse.id]);
    expect((await api.client.listEvents({ since: '1h' })).map((e) => e.id)).toEqual([note.id, worse.id]);
    expect((await api.client.listEvents({ subject: { type: 'run', id: runId }, limit: 1 })).map((e) => e.id)).toEqual([note.id]);
    expect(await api.client.getEvent(worse.id)).toEqual(worse);
  });

  it('puts events on the trace: downstream of their subject, and upstream from the event', async () => {
    const event = await api.tl.events.record({ stage: 'training', kind: 'run_finished', summary: 'run done', subjects: [{ type: 'run', id: runId }] });
    const down = await new TraceService(api.tl).trace(runId, { direction: 'downstream' });
    expect(down.nodes.find((n) => n.id === event.id)).toMatchObject({ type: 'event', summary: expect.stringContaining('training/run_finished') });
    const up = await new TraceService(api.tl).trace(event.id);
    expect(up.nodes.map((n) => n.id)).toContain(runId);
  });

  it('refuses bad events with 400 and stores nothing', async () => {
    const before = (await api.client.listEvents({ limit: 1000 })).length;
    for (const body of [{ stage: 'moon', kind: 'x', summary: 's' }, { stage: 'data', kind: 'Bad Kind', summary: 's' }, { stage: 'data', kind: 'x' }, { stage: 'data', kind: 'x', summary: 's', severity: 'meh' }]) {
      const res = await request(`${api.url}/api/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.statusCode).toBe(400);
      expect(await res.body.json()).toMatchObject({ error_code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^Invalid event /) });
    }
    expect((await api.client.listEvents({ limit: 1000 })).length).toBe(before);
    await expect(api.client.listEvents({ stage: 'moon' as never })).rejects.toMatchObject({ status: 400 });
    await expect(api.client.getEvent('0193c1f2-0000-7000-8000-000000000000')).rejects.toMatchObject({ status: 404 });
  });

  it('keeps the event when a listener throws', async () => {
    api.tl.events.onEvent(() => {
      throw new Error('notifier down');
    });
    const event = await api.tl.events.record({ stage: 'external', kind: 'new_revision', summary: 'bumped' });
    expect((await api.tl.events.get(event.id)).kind).toBe('new_revision');
  });

  it('schedules observers from threadline.yaml, remembers state between pokes and records health', async () => {
    // A counting agent for the 'features' stage stands in for a real one: the scheduler is what is tested.
    const previous = agents.features;
    agents.features = {
      stage: 'features',
      defaultInterval: '1m',
      settings: z.object({ threshold: z.number() }),
      async poke(ctx, settings: { threshold: number }) {
        const seen = ((await ctx.state.get<number>('pokes')) ?? 0) + 1;
        await ctx.state.set('pokes', seen);
        if (seen >= settings.threshold) await ctx.emit({ stage: 'features', kind: 'threshold_reached', summary: `poke ${seen}` });
        if (seen === 3) throw new Error('third poke fails');
      },
    };
    try {
      const project = readProject({ observe: { features: [{ name: 'a', threshold: 2 }, { name: 'b', threshold: 1, interval: '5s' }] } }, '/tmp/threadline.yaml');
      const planned = planObservers(project);
      expect(planned.map((p) => [p.entry.name, p.intervalMs])).toEqual([['features:a', 60_000], ['features:b', 5_000]]);
      const options = { tl: api.tl, config: {} as never, project, log: () => {} };
      const first = await runOnce(planned, options);
      expect(first.map((o) => [o.observer, o.ok, o.events.length])).toEqual([['features:a', true, 0], ['features:b', true, 1]]);
      await runOnce(planned, options);
      const third = await runOnce(planned, options);
      expect(third.map((o) => [o.ok, o.error])).toEqual([[false, 'third poke fails'], [false, 'third poke fails']]);
      const health = (await listObserverHealth(api.tl.store)).filter((h) => h.observer.startsWith('features:'));
      expect(health.map((h) => [h.observer, h.pokes, h.failures, h.events, h.lastError])).toEqual([['features:a', 3, 1, 2, 'third poke fails'], ['features:b', 3, 1, 3, 'third poke fails']]);
      expect((await api.tl.events.list({ source: 'features:b' })).length).toBe(3);

      expect(() => planObservers(readProject({ observe: { features: { threshold: 'x' } } }, '/tmp/threadline.yaml'))).toThrow(/observe features settings threshold: /);
      expect(() => readProject({ observe: { moon: {} } }, '/tmp/threadline.yaml')).toThrow(/unknown stage/);
      expect(() => planObservers(project, 'data')).toThrow(/no observer 'data'/);
    } finally {
      agents.features = previous;
    }
  });
});
