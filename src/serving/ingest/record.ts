import { Ajv } from 'ajv';
import { z } from 'zod';
import { uuidPattern } from '../../ids.js';
import type { Prediction } from '../types.js';
import type { PredictionRecord } from './types.js';

/** Longest body text one record may carry: the middlewares cap theirs at 64 KiB by default. */
export const maxRecordBody = 1024 * 1024;

// A body arrives as the text the server answered (what the proxy logs); any other JSON value is
// kept as its JSON text, so that a client that logs parsed objects loses nothing.
const body = z
  .union([z.string(), z.null(), z.json()])
  .optional()
  .transform((value) => (value === undefined || value === null ? null : typeof value === 'string' ? value : JSON.stringify(value)))
  .refine((text) => text === null || text.length <= maxRecordBody, `longer than ${maxRecordBody} characters`);
const text = (max: number) => z.string().max(max).nullable().optional().transform((v) => v ?? null);

/**
 * One prediction as the bulk ingest takes it: the proxy's log row in snake_case, the wire format
 * of the Python and Node middlewares. `time` is epoch ms or an ISO 8601 time.
 */
export const predictionRecord = z.object({
  prediction_id: z.string().regex(uuidPattern, 'must be a UUID'),
  deployment_id: text(256),
  time: z.union([z.number().int().nonnegative(), z.iso.datetime({ offset: true }).transform((iso) => Date.parse(iso))]),
  method: z.string().min(1).max(16),
  path: z.string().min(1).max(2048),
  status: z.number().int().min(0).max(999),
  latency_ms: z.number().nonnegative().finite(),
  request_body: body,
  response_body: body,
  truncated: z.boolean().optional().transform((v) => v ?? false),
  model_name: text(256),
  model_version: z.number().int().nonnegative().nullable().optional().transform((v) => v ?? null),
  run_id: text(128),
  git_sha: text(128),
  error: text(4096),
});

// The records the middlewares send (epoch-ms time, text or null bodies), checked by a compiled
// validator: several times cheaper per record than the zod schema, which stays the definition
// and takes everything else (ISO times, JSON bodies, and every record that is wrong, for its
// message). This schema accepts a subset of what the zod one does, so both paths agree: Ajv
// counts a string's length in code points, zod in UTF-16 units (up to two per code point), so
// the fast path takes strings up to half of each limit and leaves longer ones to zod.
const textOrNull = (max: number) => ({ type: ['string', 'null'], maxLength: max >> 1 });
const commonRecord = new Ajv({ strict: true, allowUnionTypes: true }).compile({
  type: 'object',
  required: ['prediction_id', 'time', 'method', 'path', 'status', 'latency_ms'],
  properties: {
    prediction_id: { type: 'string', pattern: uuidPattern.source.replaceAll('[0-9a-f]', '[0-9a-fA-F]') },
    deployment_id: textOrNull(256),
    time: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    method: { type: 'string', minLength: 1, maxLength: 8 },
    path: { type: 'string', minLength: 1, maxLength: 1024 },
    status: { type: 'integer', minimum: 0, maximum: 999 },
    latency_ms: { type: 'number', minimum: 0 },
    request_body: textOrNull(maxRecordBody),
    response_body: textOrNull(maxRecordBody),
    truncated: { type: 'boolean' },
    model_name: textOrNull(256),
    model_version: { type: ['integer', 'null'], minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    run_id: textOrNull(128),
    git_sha: textOrNull(128),
    error: textOrNull(4096),
  },
});

type CommonRecord = Omit<PredictionRecord, 'time' | 'request_body' | 'response_body'> & { time: number; request_body?: string | null; response_body?: string | null };

/** The record as a log row, or why it is not one (`<field>: <complaint>`). */
export function parseRecord(value: unknown): { prediction: Prediction } | { invalid: string } {
  const parsed = parseShape(value);
  if ('invalid' in parsed) return parsed;
  // PostgreSQL text cannot hold a NUL: one in a record would fail the whole batch's insert, so it
  // is refused here, on its own (a JSON array body is refused whole before this, as every body is).
  const p = parsed.prediction;
  for (const [field, key] of textFields) {
    const text = p[key];
    if (text !== null && text.includes('\u0000')) return { invalid: `${field}: contains a NUL character (\\u0000), which is not allowed in any string` };
  }
  return parsed;
}

// The record's text fields and where the log row keeps them (one list, not one per record).
const textFields = [
  ['deployment_id', 'deploymentId'],
  ['method', 'method'],
  ['path', 'path'],
  ['request_body', 'requestBody'],
  ['response_body', 'responseBody'],
  ['model_name', 'modelName'],
  ['run_id', 'runId'],
  ['git_sha', 'gitSha'],
  ['error', 'error'],
] as const satisfies readonly (readonly [string, keyof Prediction])[];

function parseShape(value: unknown): { prediction: Prediction } | { invalid: string } {
  if (commonRecord(value)) {
    const r = value as CommonRecord;
    return {
      prediction: {
        id: r.prediction_id.toLowerCase(),
        deploymentId: r.deployment_id ?? null,
        time: r.time,
        method: r.method,
        path: r.path,
        status: r.status,
        latencyMs: r.latency_ms,
        requestBody: r.request_body ?? null,
        responseBody: r.response_body ?? null,
        truncated: r.truncated ?? false,
        modelName: r.model_name ?? null,
        modelVersion: r.model_version ?? null,
        runId: r.run_id ?? null,
        gitSha: r.git_sha ?? null,
        error: r.error ?? null,
      },
    };
  }
  const result = predictionRecord.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    return { invalid: `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}` };
  }
  const r = result.data;
  return {
    prediction: {
      id: r.prediction_id.toLowerCase(),
      deploymentId: r.deployment_id,
      time: r.time,
      method: r.method,
      path: r.path,
      status: r.status,
      latencyMs: r.latency_ms,
      requestBody: r.request_body,
      responseBody: r.response_body,
      truncated: r.truncated,
      modelName: r.model_name,
      modelVersion: r.model_version,
      runId: r.run_id,
      gitSha: r.git_sha,
      error: r.error,
    },
  };
}

/** A log row in the wire format of `POST /api/predictions:batch` (what the middlewares send). */
export function toRecord(p: Prediction): PredictionRecord {
  return {
    prediction_id: p.id,
    deployment_id: p.deploymentId,
    time: p.time,
    method: p.method,
    path: p.path,
    status: p.status,
    latency_ms: p.latencyMs,
    request_body: p.requestBody,
    response_body: p.responseBody,
    truncated: p.truncated,
    model_name: p.modelName,
    model_version: p.modelVersion,
    run_id: p.runId,
    git_sha: p.gitSha,
    error: p.error,
  };
}
