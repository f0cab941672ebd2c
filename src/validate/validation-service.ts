import { z } from 'zod';
import { invalidArgument, notFound, parseWith } from '../errors.js';
import { newUuid, uuidPattern } from '../ids.js';
import { registerDescriber, type Describer, type Description } from '../lineage/describe.js';
import { addEdges } from '../lineage/edge-store.js';
import { registerResolver, resolveIdWith, timeOrderedResolver, type Resolver } from '../lineage/resolve.js';
import type { EntityRef } from '../lineage/types.js';
import type { Store } from '../store/database.js';
import { ProvenanceStore } from '../tracking/provenance-store.js';
import { dataVersionSchema } from '../tracking/validation.js';
import { expectationKinds, type ExpectationResult, type ListValidationsQuery, type RecordValidationInput, type Validation } from './types.js';
import type { EventInput, ObserverEvent } from '../events/types.js';
import { ValidationStore } from './validation-store.js';

/** The part of the EventService this needs (so tests and other hosts can pass their own). */
export interface EventRecorder {
  record(input: EventInput): Promise<ObserverEvent>;
}

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const observed = z.union([scalar, z.array(scalar)]);
const count = z.number().int().nonnegative();
const resultSchema = z.object({
  index: count,
  expect: z.enum(expectationKinds),
  column: z.string().nullable(),
  description: z.string().max(2000),
  success: z.boolean(),
  observed,
  elementCount: count.nullable(),
  unexpectedCount: count.nullable(),
  unexpectedPercent: z.number().min(0).max(100).nullable(),
  unexpectedExamples: z.array(scalar).max(1000),
  error: z.string().max(2000).nullable(),
});
const recordSchema = z.object({
  data: dataVersionSchema,
  suiteName: z.string().trim().min(1).max(256),
  suiteDigest: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256:<64 hex>'),
  result: z.object({
    suite: z.string(),
    success: z.boolean(),
    rowCount: count,
    evaluated: count,
    passed: count,
    failed: count,
    results: z.array(resultSchema).min(1).max(10_000),
  }),
});

const defaultLimit = 50;
const maxLimit = 1000;
/** How many failing expectations an event names in its summary. */
const namedInSummary = 3;

/**
 * Records suite results: the data version they checked (as `threadline run --input` does), the
 * validation row, a lineage edge validation → data (`validated`) and an event
 * (`validation_passed` / `validation_failed`) about both, so alert rules and `trace` see it.
 */
export class ValidationService {
  private readonly provenance: ProvenanceStore;
  private readonly validations: ValidationStore;

  constructor(
    private readonly store: Store,
    private readonly events?: EventRecorder,
  ) {
    this.provenance = new ProvenanceStore(store.db);
    this.validations = new ValidationStore(store);
  }

  /** `events` records the verdict's event (an observer passes its own, to be the event's source). */
  async record(raw: RecordValidationInput | unknown, events: EventRecorder | undefined = this.events): Promise<Validation> {
    const input = parseWith(recordSchema, raw, 'Invalid validation');
    const { result, data } = input;
    // The verdict is recomputed from the results: a client cannot store "passed" over failures.
    const failed = result.results.filter((r) => !r.success).length;
    if (failed !== result.failed || result.results.length !== result.evaluated || result.success !== (failed === 0)) {
      throw invalidArgument(`validation result disagrees with itself: ${result.evaluated} evaluated, ${result.failed} failed, success ${result.success}, but ${result.results.length} results of which ${failed} failed`);
    }
    const now = Date.now();
    const validation: Validation = {
      id: newUuid(),
      dataDigest: data.digest,
      dataUri: data.uri,
      suiteName: input.suiteName,
      suiteDigest: input.suiteDigest,
      success: failed === 0,
      evaluated: result.results.length,
      failed,
      results: result.results as ExpectationResult[],
      time: now,
    };
    await this.provenance.saveData(data, now);
    await this.validations.insert(validation);
    const self: EntityRef = { type: 'validation', id: validation.id };
    const dataRef: EntityRef = { type: 'data', id: data.digest };
    await addEdges(this.store.db, [{ from: self, relation: 'validated', to: dataRef }], now);
    const event = await events?.record(eventFor(validation, [self, dataRef]));
    return { ...validation, eventId: event?.id ?? null };
  }

  async get(typed: string): Promise<Validation> {
    const id = uuidPattern.test(typed) ? typed.toLowerCase() : await resolveIdWith(validationResolver, { db: this.store.db }, typed, 'Validation');
    const found = await this.validations.get(id);
    if (!found) throw notFound(`no validation '${id}'`);
    return found;
  }

  /** Newest first. */
  async list(query: ListValidationsQuery = {}): Promise<Validation[]> {
    const limit = query.limit ?? defaultLimit;
    if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) throw invalidArgument(`limit takes a whole number from 1 to ${maxLimit}, got '${query.limit}'`);
    return this.validations.list({ ...query, limit });
  }
}

function eventFor(v: Validation, subjects: EntityRef[]): EventInput {
  const failing = v.results.filter((r) => !r.success);
  const named = failing.slice(0, namedInSummary).map((r) => r.description + (r.error ? ` (${r.error})` : ''));
  const more = failing.length > namedInSummary ? `, and ${failing.length - namedInSummary} more` : '';
  return {
    stage: 'data',
    kind: v.success ? 'validation_passed' : 'validation_failed',
    severity: v.success ? 'info' : 'error',
    summary: v.success
      ? `suite '${v.suiteName}' passed on ${v.dataUri}: ${v.evaluated} expectations met`
      : `suite '${v.suiteName}' failed on ${v.dataUri}: ${v.failed} of ${v.evaluated} expectations not met: ${named.join('; ')}${more}`,
    subjects,
    details: {
      validationId: v.id,
      suite: v.suiteName,
      suiteDigest: v.suiteDigest,
      dataDigest: v.dataDigest,
      evaluated: v.evaluated,
      failed: v.failed,
      failing: failing.map((r) => ({ index: r.index, expect: r.expect, column: r.column, description: r.description, observed: r.observed, unexpectedCount: r.unexpectedCount, unexpectedPercent: r.unexpectedPercent, error: r.error })),
    },
    source: 'validate',
    // The same suite failing on the same source is the same finding, whatever the data version.
    fingerprint: `validation:${v.suiteName}:${v.dataUri}`.slice(0, 256),
  };
}


/** `trace <validation id>`: the validation, then the data it checked and what made that data. */
export const validationResolver: Resolver = timeOrderedResolver({ type: 'validation', table: 'validations', kind: 'validation id (UUID, or its short form: 6-8 of its last 8 hex)' });

export const describeValidations: Describer = async (ctx, ids) => {
  const out = new Map<string, Description>();
  for (const v of await new ValidationStore(ctx.store).headlines(ids)) {
    const verdict = v.success ? `passed ${v.evaluated}/${v.evaluated}` : `FAILED ${v.failed} of ${v.evaluated}`;
    out.set(v.id, {
      summary: `suite '${v.suiteName}' ${verdict} on ${v.dataUri}  ${new Date(v.time).toISOString()}`,
      facts: { suite: v.suiteName, suiteDigest: v.suiteDigest, dataUri: v.dataUri, dataDigest: v.dataDigest, success: v.success, evaluated: v.evaluated, failed: v.failed, time: v.time },
    });
  }
  return out;
};

export function registerValidationLineage(): void {
  registerResolver(validationResolver);
  registerDescriber('validation', describeValidations);
}
