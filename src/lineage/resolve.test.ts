import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../store/database.js';
import { dialects, freshStore } from '../../test/dialects.js';
import { digestJson } from '../capture/canonical.js';
import { captureData } from '../capture/data.js';
import { duckdbFactSource, tabularSource } from '../validate/duckdb-facts.js';
import { EventService } from '../events/event-service.js';
import { registerEventLineage } from '../events/lineage.js';
import { registerValidationLineage, ValidationService } from '../validate/validation-service.js';
import { runSuite } from '../validate/evaluate.js';
import type { Suite } from '../validate/types.js';
import { RunService } from '../tracking/run-service.js';
import { parseEntityType, resolveEntity, type ResolveContext } from './resolve.js';
import { shortId } from './short.js';
import { codeVersion, dataVersion, environment, servicesOf, trainedModel } from './testing.js';

const commitA = 'abcdef0123456789abcdef0123456789abcdef01';
const commitB = 'abcdef9876543210abcdef9876543210abcdef98';

describe.each(dialects)('resolveEntity on %s', (dialect) => {
  let store: Store;
  let ctx: ResolveContext;
  let tl: ReturnType<typeof servicesOf>;
  let first: Awaited<ReturnType<typeof trainedModel>>;
  let second: Awaited<ReturnType<typeof trainedModel>>;
  const clean = codeVersion(commitA);
  const dirty = codeVersion(commitA, 'diff --git a/x b/x');
  const data = dataVersion('s3://lake/orders/2026-11-19', 'user,item\n1,2\n');
  const env = environment();

  beforeAll(async () => {
    store = await freshStore(dialect);
    tl = servicesOf(store);
    ctx = { db: store.db, models: tl.models };
    first = await trainedModel(tl, 'reco', { code: clean, data, env, weights: '[1]' });
    second = await trainedModel(tl, 'reco', { code: dirty, data, env, weights: '[2]' });
    await trainedModel(tl, 'other', { code: codeVersion(commitB, 'p1'), data, env, weights: '[3]' });
    await trainedModel(tl, 'other', { code: codeVersion(commitB, 'p2'), data, env, weights: '[4]' });
    await tl.models.setAlias('reco', 'champion', 2);
  });
  afterAll(() => store.close());

  it('reads run ids, whole or as a unique prefix, in any case', async () => {
    expect(await resolveEntity(ctx, first.runId)).toEqual({ type: 'run', id: first.runId });
    expect(await resolveEntity(ctx, second.runId.slice(0, 30).toUpperCase(), 'run')).toEqual({ type: 'run', id: second.runId });
  });

  it('says which runs an ambiguous prefix matches', async () => {
    // Run ids are time-ordered: runs made a moment apart share their leading characters.
    let common = 0;
    while (first.runId[common] === second.runId[common]) common++;
    expect(common).toBeGreaterThanOrEqual(6);
    const prefix = first.runId.slice(0, 6);
    const error = await resolveEntity(ctx, prefix, 'run').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((error as Error).message).toContain(first.runId);
    expect((error as Error).message).toContain(second.runId);
    expect((error as Error).message).not.toContain('\n');
  });

  it('reads the short form shown in tables (the last 8 hex of a time-ordered id), or 6+ of it', async () => {
    const runs = new RunService(store);
    expect(shortId(first.runId)).toBe(first.runId.slice(-8));
    expect(await resolveEntity(ctx, shortId(first.runId))).toEqual({ type: 'run', id: first.runId });
    expect(await resolveEntity(ctx, shortId(second.runId).slice(0, 6).toUpperCase(), 'run')).toEqual({ type: 'run', id: second.runId });
    expect(await runs.resolveId(shortId(second.runId))).toBe(second.runId);
    expect(await runs.resolveId(` ${first.runId.slice(0, 31)}`)).toBe(first.runId);
  });

  it('says "too short" (INVALID_ARGUMENT) for fewer than 6 characters, everywhere an id is taken', async () => {
    const runs = new RunService(store);
    for (const attempt of [() => resolveEntity(ctx, first.runId.slice(-5)), () => resolveEntity(ctx, 'sha256:abcde'), () => runs.resolveId(first.runId.slice(0, 4)), () => new EventService(store).get('abc')]) {
      await expect(attempt()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('too short') });
    }
    await expect(runs.resolveId('ffffffffffff')).rejects.toMatchObject({ code: 'NOT_FOUND', message: "Run 'ffffffffffff' not found" });
  });

  it('reads model@alias and model/version', async () => {
    expect(await resolveEntity(ctx, 'reco@champion')).toEqual({ type: 'model_version', id: 'reco/2' });
    expect(await resolveEntity(ctx, 'reco/1')).toEqual({ type: 'model_version', id: 'reco/1' });
    expect(await resolveEntity(ctx, 'model', undefined).catch((e: { code: string }) => e.code)).toBe('NOT_FOUND');
  });

  it('reads sha256 digests of data, environments, code versions and artifacts, whole or as a prefix', async () => {
    expect(await resolveEntity(ctx, data.digest)).toEqual({ type: 'data', id: data.digest });
    expect(await resolveEntity(ctx, data.digest.slice(0, 20))).toEqual({ type: 'data', id: data.digest });
    expect(await resolveEntity(ctx, env.digest)).toEqual({ type: 'environment', id: env.digest });
    expect(await resolveEntity(ctx, dirty.id)).toEqual({ type: 'code', id: dirty.id });
    expect(await resolveEntity(ctx, first.weights)).toEqual({ type: 'artifact', id: first.weights });
    expect(await resolveEntity(ctx, second.version.artifactDigest!)).toEqual({ type: 'artifact', id: second.version.artifactDigest });
  });

  it('reads a git commit: the clean checkout when there is one, ambiguous when there is not', async () => {
    expect(await resolveEntity(ctx, commitA)).toEqual({ type: 'code', id: clean.id });
    expect(await resolveEntity(ctx, commitA.slice(0, 7))).toEqual({ type: 'code', id: clean.id });
    await expect(resolveEntity(ctx, commitB)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('dirty') });
    // Two commits share "abcdef".
    const error = (await resolveEntity(ctx, 'abcdef', 'code').catch((e: Error) => e)) as Error;
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(error.message).toContain(commitA.slice(0, 12));
    expect(error.message).toContain(commitB.slice(0, 12));
  });

  it('names what it tried when nothing matches', async () => {
    await expect(resolveEntity(ctx, 'ffffff0000')).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/run id.*git commit/) });
    await expect(resolveEntity(ctx, 'sha256:0000000000')).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('sha256') });
    await expect(resolveEntity(ctx, 'ghost@champion')).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('model version') });
    await expect(resolveEntity(ctx, '!!')).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('expected') });
    expect(parseEntityType('commit')).toBe('code');
    expect(() => parseEntityType('banana')).toThrow(/Unknown entity type/);
  });

  it('reads `trace event ID` and `trace validation ID` with their type words', async () => {
    registerEventLineage();
    registerValidationLineage();
    const events = new EventService(store);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-resolve-'));
    try {
      const file = path.join(dir, 'orders.csv');
      fs.writeFileSync(file, 'id,amount\n1,5\n2,7\n');
      const suite: Suite = { name: 'orders', expectations: [{ expect: 'not_null', column: 'id' }] };
      const validation = await new ValidationService(store, events).record({
        data: await captureData(file),
        suiteName: suite.name,
        suiteDigest: digestJson(suite),
        result: await runSuite(suite, duckdbFactSource(await tabularSource(file))),
      });
      expect(await resolveEntity(ctx, validation.id, parseEntityType('validation'))).toEqual({ type: 'validation', id: validation.id });
      // Short forms, in trace and in `events show` / `validations show`.
      expect(await resolveEntity(ctx, shortId(validation.id), 'validation')).toEqual({ type: 'validation', id: validation.id });
      expect(await resolveEntity(ctx, shortId(validation.eventId!).slice(0, 7))).toEqual({ type: 'event', id: validation.eventId });
      expect((await events.get(shortId(validation.eventId!))).id).toBe(validation.eventId);
      expect((await new ValidationService(store, events).get(shortId(validation.id).toUpperCase())).id).toBe(validation.id);
      await expect(events.get('0badc0de')).rejects.toMatchObject({ code: 'NOT_FOUND', message: "Event '0badc0de' not found" });
      expect(await resolveEntity(ctx, validation.eventId!, parseEntityType('EVENT'))).toEqual({ type: 'event', id: validation.eventId });
      // The type word narrows: a validation id is no event.
      await expect(resolveEntity(ctx, validation.id, parseEntityType('event'))).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('No event matches') });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
