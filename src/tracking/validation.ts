import { z } from 'zod';
import { limits } from './limits.js';
import { runStatuses } from './types.js';

/** Schemas shared by the HTTP and CLI shells: validation happens once, at the service. */
export const keySchema = z
  .string()
  .min(1, 'must not be empty')
  .max(limits.keyLength, `must be at most ${limits.keyLength} characters`)
  // MLflow's rule: alphanumerics, underscores, dashes, periods, spaces, colons and slashes; no `..`.
  .regex(/^[\w\-. :/]+$/, 'may contain only alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colons (:) and slashes (/)')
  .refine((k) => !k.split('/').includes('..') && !k.startsWith('/'), 'must be a relative path without ".."');

export const metricSchema = z.object({
  key: keySchema,
  // MLflow accepts NaN and ±Infinity as metric values; zod's number() does not.
  value: z.custom<number>((v) => typeof v === 'number', 'must be a number'),
  timestamp: z.number().int().nonnegative(),
  step: z.number().int().default(0),
});

export const paramSchema = z.object({
  key: keySchema,
  value: z.string().max(limits.paramValueLength, `param values must be at most ${limits.paramValueLength} characters`),
});

export const tagSchema = z.object({
  key: keySchema,
  value: z.string().max(limits.tagValueLength, `tag values must be at most ${limits.tagValueLength} characters`),
});

export const logBatchSchema = z
  .object({
    metrics: z.array(metricSchema).max(limits.batchMetrics, `a batch holds at most ${limits.batchMetrics} metrics`).default([]),
    params: z.array(paramSchema).max(limits.batchParams, `a batch holds at most ${limits.batchParams} params`).default([]),
    tags: z.array(tagSchema).max(limits.batchTags, `a batch holds at most ${limits.batchTags} tags`).default([]),
  })
  .refine((b) => b.metrics.length + b.params.length + b.tags.length <= limits.batchTotal, {
    message: `a batch holds at most ${limits.batchTotal} metrics, params and tags together`,
  });

export const experimentNameSchema = z.string().trim().min(1, 'experiment name must not be empty').max(limits.experimentNameLength);

export const runStatusSchema = z.enum(runStatuses as [string, ...string[]]);

const tagMapSchema = z.record(z.string(), z.string().max(limits.tagValueLength));

export const createRunSchema = z.object({
  experimentId: z.string().min(1).optional(),
  name: z.string().max(limits.runNameLength).optional(),
  userId: z.string().max(256).optional(),
  startTime: z.number().int().nonnegative().optional(),
  tags: tagMapSchema.optional(),
  command: z.array(z.string()).optional(),
  workingDir: z.string().optional(),
  status: runStatusSchema.optional(),
  heartbeat: z.boolean().optional(),
});

export const updateRunSchema = z.object({
  status: runStatusSchema.optional(),
  endTime: z.number().int().nonnegative().optional(),
  name: z.string().min(1).max(limits.runNameLength).optional(),
  exitCode: z.number().int().min(-(2 ** 31)).max(2 ** 31 - 1).optional(),
});

export const createExperimentSchema = z.object({
  name: experimentNameSchema,
  artifactLocation: z.string().optional(),
  tags: tagMapSchema.optional(),
});

const digestSchema = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256:<64 lowercase hex>');

/** What a client may send as a run's code, environment or data: checked before it is stored. */
export const codeVersionSchema = z.object({
  id: digestSchema,
  repoRoot: z.string(),
  remoteUrl: z
    .string()
    .nullable()
    .refine((url) => url === null || !/^[a-z][a-z0-9+.-]*:\/\/[^/@]*:[^/@]*@/i.test(url), 'must not carry credentials'),
  commitSha: z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, 'must be a full git commit sha'),
  branch: z.string().nullable(),
  dirty: z.boolean(),
  patchDigest: digestSchema.nullable(),
  omitted: z
    .array(z.object({ path: z.string().min(1), reason: z.enum(['secret', 'too-large']), size: z.number().int().nonnegative().optional(), digest: digestSchema.optional() }))
    .max(100_000)
    .optional(),
});

export const environmentSchema = z.object({
  digest: digestSchema,
  os: z.string(),
  osRelease: z.string(),
  arch: z.string(),
  runtimes: z.record(z.string(), z.string()),
  lockfiles: z.array(z.object({ path: z.string(), digest: digestSchema })),
  pythonPackages: z.array(z.string()).nullable(),
  containerImageDigest: z.string().nullable(),
  envVarNames: z.array(z.string()),
  envVars: z.record(z.string(), z.string()),
});

export const dataVersionSchema = z.object({
  digest: digestSchema,
  uri: z.string().min(1),
  format: z.enum(['csv', 'jsonl', 'parquet', 'mixed', 'other']),
  files: z.array(z.object({ path: z.string(), size: z.number().int().nonnegative(), digest: digestSchema, dvcMd5: z.string().regex(/^[0-9a-f]{32}$/).optional() })),
  totalSize: z.number().int().nonnegative(),
  rowCount: z.number().int().nonnegative().nullable(),
  schema: z.array(z.object({ name: z.string(), type: z.string() })).nullable(),
});
