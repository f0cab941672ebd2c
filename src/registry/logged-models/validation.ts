import { z } from 'zod';
import { limits } from '../../tracking/limits.js';
import { keySchema } from '../../tracking/validation.js';

const badNameCharacters = ['/', ':', '.', '%', '"', "'"];

const keyValue = (valueLength: number) => z.object({ key: keySchema, value: z.string().max(valueLength, `values must be at most ${valueLength} characters`) });

export const loggedModelParamSchema = keyValue(limits.paramValueLength);
export const loggedModelTagSchema = keyValue(limits.tagValueLength);

/** MLflow's _validate_logged_model_name, and its column sizes. */
export const createLoggedModelSchema = z.object({
  experimentId: z.string().min(1),
  name: z
    .string()
    .min(1, 'must be a non-empty string')
    .max(500)
    .refine((n) => !badNameCharacters.some((c) => n.includes(c)), `cannot contain the following characters: ${badNameCharacters.join(' ')}`)
    .optional(),
  modelType: z.string().max(500).optional(),
  sourceRunId: z.string().min(1).optional(),
  params: z.array(loggedModelParamSchema).default([]),
  tags: z.array(loggedModelTagSchema).default([]),
});

/** `m-` and 32 hex, as MLflow makes model ids; other shapes cannot name a logged model. */
export const modelIdPattern = /^m-[0-9a-f]{32}$/;

/** The model and dataset of metrics logged against a model: the sizes of their columns (migration 0010). */
export const modelMetricLinkSchema = z.object({
  modelId: z.string().max(64, 'model_id must be at most 64 characters').optional(),
  datasetName: z.string().max(500, 'dataset_name must be at most 500 characters').optional(),
  datasetDigest: z.string().max(255, 'dataset_digest must be at most 255 characters').optional(),
});

/** A file of a logged model as the proxy records it. */
export const loggedModelFileSchema = z.object({
  path: z.string().min(1).max(1000, 'artifact paths of logged models must be at most 1,000 characters'),
  digest: z.string().min(1),
  size: z.number().int().nonnegative(),
  mediaType: z.string().max(255, 'the content type must be at most 255 characters').nullable(),
});
