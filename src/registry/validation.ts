import { z } from 'zod';
import { invalidArgument } from '../errors.js';
import { limits } from '../tracking/limits.js';
import { keySchema } from '../tracking/validation.js';
import { stages, type Stage } from './types.js';

/** Model names become `name/version` and `name@alias` references: no slash, not empty. */
export const modelNameSchema = z
  .string()
  .trim()
  .min(1, 'registered model name must not be empty')
  .max(256, 'registered model name must be at most 256 characters')
  .refine((n) => !n.includes('/'), "registered model name must not contain '/'");

/** MLflow's alias rule: word characters and dashes; `latest` and `v<N>` would shadow references. */
export const aliasSchema = z
  .string()
  .min(1, 'alias must not be empty')
  .max(255)
  .regex(/^[\w-]+$/, 'alias may contain only alphanumerics, underscores and dashes')
  .refine((a) => a.toLowerCase() !== 'latest' && !/^v\d+$/i.test(a), "alias must not be 'latest' or look like a version (v1, v2…)");

/** MLflow bounds registry tag values at 100,000 characters, more than run tags. */
export const registryTagValueSchema = z.string().max(limits.registryTagValueLength, `tag values must be at most ${limits.registryTagValueLength} characters`);
const tagMapSchema = z.record(keySchema, registryTagValueSchema);
const descriptionSchema = z.string().max(5000, 'description must be at most 5000 characters');

export const createModelSchema = z.object({
  name: modelNameSchema,
  description: descriptionSchema.optional(),
  tags: tagMapSchema.optional(),
});

export const createVersionSchema = z.object({
  name: modelNameSchema,
  source: z.string().min(1, 'source must not be empty').max(limits.sourceLength, `source must be at most ${limits.sourceLength} characters`),
  runId: z.string().min(1).max(256).optional(),
  runLink: z.string().max(limits.sourceLength, `run link must be at most ${limits.sourceLength} characters`).optional(),
  description: descriptionSchema.optional(),
  tags: tagMapSchema.optional(),
  userId: z.string().max(256).optional(),
  signature: z.string().optional(),
  modelId: z.string().min(1).optional(),
});

/** `threadline models register` and POST /api/models/:name/versions with a run and a path. */
export const registerSchema = z.object({
  name: modelNameSchema,
  runId: z.string({ error: 'runId must be a string' }).min(1, 'runId must not be empty').max(256),
  artifactPath: z.string({ error: 'artifactPath must be a string' }).max(1000, 'artifactPath must be at most 1000 characters'),
  tags: tagMapSchema.optional(),
  description: descriptionSchema.optional(),
  userId: z.string().max(256).optional(),
});

export { descriptionSchema, keySchema };

/** Versions arrive as numbers (native API) or strings (MLflow, CLI): both must be positive integers. */
export function parseVersion(raw: unknown): number {
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
  // Versions are 32-bit integer columns on PostgreSQL.
  if (!/^[1-9]\d{0,9}$/.test(text) || Number(text) > 2_147_483_647) throw invalidArgument(`Invalid version '${String(raw)}': expected a positive integer`);
  return Number(text);
}

/** Stages are matched without regard to case, as MLflow does (`production` → `Production`). */
export function parseStage(raw: unknown): Stage {
  const stage = stages.find((s) => typeof raw === 'string' && s.toLowerCase() === raw.toLowerCase());
  if (!stage) throw invalidArgument(`Invalid Model Version stage: ${String(raw)}. Value must be one of ${stages.join(', ')}.`);
  return stage;
}

