/**
 * An observer remembers what it saw only after the finding is recorded: when recording fails
 * (a crash, a store that went away), the next poke reports the same change again instead of
 * treating it as already seen.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, freshDatabaseUrl } from '../../../test/dialects.js';
import { openThreadline, type Threadline } from '../../context.js';
import type { ObserverContext } from '../agent.js';
import type { ObserverEvent } from '../../events/types.js';
import type { ObserverState } from '../state-store.js';
import { orders, write } from '../data/testing.js';
import { readProject } from '../project-file.js';
import { planObservers, runOnce } from '../scheduler.js';
import { dataAgent } from './data.js';
import { featuresAgent } from './features.js';

/** A context whose state lives in a Map and whose emit fails while `failing` is set. */
function context(tl: Threadline, baseDir: string, name: string) {
  const memory = new Map<string, unknown>();
  const emitted: ObserverEvent[] = [];
  const ctl = { failing: false };
  const state = { get: async (key: string) => structuredClone(memory.get(key)), set: async (key: string, value: unknown) => void memory.set(key, structuredClone(value)) } as unknown as ObserverState;
  const ctx: ObserverContext = {
    name,
    tl,
    config: {} as never,
    baseDir,
    state,
    async emit(input) {
      if (ctl.failing) throw new Error('store went away');
      const event = await tl.events.record({ ...input, source: name });
      emitted.push(event);
      return event;
    },
    log: () => {},
    signal: new AbortController().signal,
  };
  return { ctx, emitted, ctl };
}

describe.each(dialects)('observers record before they remember, on %s', (dialect) => {
  let tl: Threadline;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-crash-order-'));
    tl = await openThreadline({ databaseUrl: await freshDatabaseUrl(dialect), artifactsUrl: path.join(dir, '.artifacts'), s3: { region: 'us-east-1', forcePathStyle: true } });
  });
  afterAll(() => tl.close());

  it('data: a DVC pointer move whose event failed to record is reported on the next poke', async () => {
    const file = path.join(dir, 'dvc/train.csv');
    const md5 = (s: string) => createHash('md5').update(s).digest('hex');
    const pointer = (content: string) => `outs:\n- md5: ${md5(content)}\n  size: ${Buffer.byteLength(content)}\n  path: train.csv\n`;
    const v1 = orders(4);
    write(file, v1);
    write(`${file}.dvc`, pointer(v1));
    const { ctx, emitted, ctl } = context(tl, dir, 'data:dvc');
    const settings = dataAgent.settings.parse({ path: 'dvc/train.csv', min_age: 0 });
    await dataAgent.poke(ctx, settings);
    expect(emitted.map((e) => e.kind)).toEqual(['data_discovered']);

    write(`${file}.dvc`, pointer(orders(5)), 1000);
    ctl.failing = true;
    await expect(dataAgent.poke(ctx, settings)).rejects.toThrow(/store went away/);
    ctl.failing = false;
    await dataAgent.poke(ctx, settings);
    expect(emitted.map((e) => e.kind)).toEqual(['data_discovered', 'dvc_changed']);
    await dataAgent.poke(ctx, settings);
    expect(emitted).toHaveLength(2);
  });

  it('data: a suite that cannot be read fails the poke before anything is recorded, and the version is validated once it can', async () => {
    write(path.join(dir, 'suited/orders.csv'), orders(7));
    const project = readProject({ observe: { data: [{ name: 'suited', path: 'suited', suite: 'suites/orders.yaml', min_age: 0 }] } }, path.join(dir, 'threadline.yaml'));
    const poke = async () => (await runOnce(planObservers(project), { tl, config: {} as never, project, log: () => {} }))[0]!;
    const failed = await poke();
    expect(failed.error).toMatch(/expectation suite .*suites\/orders\.yaml cannot be read: ENOENT/);
    expect(failed.events).toEqual([]);

    write(path.join(dir, 'suites/orders.yaml'), 'name: orders\nexpectations:\n  - expect: not_null\n    column: amount\n');
    const next = await poke();
    expect(next.error).toBeUndefined();
    expect(next.events.map((e) => e.kind)).toEqual(['data_discovered', 'validation_passed']);
    expect((await poke()).events).toEqual([]);
  });

  it('features: a code change whose event failed to record is reported on the next poke', async () => {
    const code = path.join(dir, 'features/build.py');
    write(code, 'def build(x):\n    return x\n');
    const { ctx, emitted, ctl } = context(tl, dir, 'features:code');
    const settings = featuresAgent.settings.parse({ code: ['features/*.py'] });
    await featuresAgent.poke(ctx, settings);
    expect(emitted).toEqual([]);

    write(code, 'def build(x):\n    return x * 2\n', 1000);
    ctl.failing = true;
    await expect(featuresAgent.poke(ctx, settings)).rejects.toThrow(/store went away/);
    ctl.failing = false;
    await featuresAgent.poke(ctx, settings);
    expect(emitted.map((e) => [e.kind, e.details.modified])).toEqual([['feature_code_changed', [expect.objectContaining({ path: 'features/build.py' })]]]);
    await featuresAgent.poke(ctx, settings);
    expect(emitted).toHaveLength(1);
  });
});
