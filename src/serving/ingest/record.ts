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

/** The record as a log row, or why it is not one (`<field>: <complaint>`). */
export function parseRecord(value: unknown): { prediction: Prediction } | { invalid: string } {
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
