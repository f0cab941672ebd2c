import { z } from 'zod';
import { permissions, resourceTypes, roles, scopes } from './types.js';

export const principalNameSchema = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@+-]*$/, 'letters, digits and . _ @ + - only, starting with a letter or digit');

// Long enough to resist guessing; no upper rules beyond that (NIST SP 800-63B).
export const passwordSchema = z.string().min(12, 'at least 12 characters').max(1024);

export const createPrincipalSchema = z.strictObject({
  name: principalNameSchema,
  kind: z.enum(['user', 'service']).default('user'),
  role: z.enum(roles).default('viewer'),
  password: passwordSchema.optional(),
});

export const grantSchema = z.strictObject({
  principal: principalNameSchema,
  resourceType: z.enum(resourceTypes),
  resourceName: z.string().min(1).max(512),
  permission: z.enum(permissions),
});

export const createTokenSchema = z.strictObject({
  principal: principalNameSchema,
  name: z.string().min(1).max(256),
  scopes: z.array(z.enum(scopes)).min(1).default(['read', 'write']),
  /** Milliseconds from now; none: the token lasts until revoked. */
  expiresInMs: z.number().int().positive().optional(),
});

/** One change to a principal, checked whole before any of it is applied. */
export const updatePrincipalSchema = z.strictObject({
  role: z.enum(roles).optional(),
  disabled: z.boolean().optional(),
  password: passwordSchema.optional(),
});

export const auditQuerySchema = z.strictObject({
  actor: z.string().max(256).optional(),
  action: z.string().max(256).optional(),
  subjectType: z.string().max(256).optional(),
  subjectId: z.string().max(1024).optional(),
  since: z.union([z.number().int().nonnegative(), z.string().min(1).max(64)]).optional(),
  limit: z.number().int().min(1).max(10_000).optional(),
});
