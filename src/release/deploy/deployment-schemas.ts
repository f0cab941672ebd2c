import { z } from 'zod';
import { deploymentReasons, deploymentTargets } from './types.js';

/** What a deployment record and a status change may hold: checked by the ledger, whoever calls it. */
const detailsSchema = z.record(z.string(), z.unknown());

export const recordDeploymentSchema = z
  .strictObject({
    environment: z.string().min(1).max(64),
    target: z.enum(deploymentTargets),
    image: z.string().min(1).max(1024).nullable().optional(),
    model: z.string().min(1).max(512).optional(),
    reason: z.enum(deploymentReasons).optional(),
    actor: z.string().min(1).max(256).optional(),
    status: z.enum(['pending', 'deployed', 'failed']).optional(),
    details: detailsSchema.optional(),
  })
  .refine((b) => b.image || b.model, { message: 'name an image or a model version', path: ['image'] });

export const updateDeploymentSchema = z.strictObject({
  status: z.enum(['deployed', 'failed', 'stopped']),
  details: detailsSchema.optional(),
});
