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
