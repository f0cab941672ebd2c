import { z } from 'zod';
import { parseDuration } from '../duration.js';
import { invalidArgument, parseWith } from '../errors.js';
import { severities, stages } from '../events/types.js';

/**
 * The `alerts` section of threadline.yaml. Secrets (webhook URLs with tokens, SMTP passwords) are
 * named by environment variable (`url_env: SLACK_WEBHOOK_URL`) and read when sending, so they are
 * never in the file, the store or a log.
 */
const envOr = <T extends z.ZodTypeAny>(value: T) => z.union([value, z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/) })]);

const webhook = z.object({ name: z.string(), type: z.literal('webhook'), url: envOr(z.string().url()), headers: z.record(z.string(), envOr(z.string())).default({}) }).strict();
const slack = z.object({ name: z.string(), type: z.literal('slack'), url: envOr(z.string().url()), channel: z.string().optional() }).strict();
const email = z
  .object({
    name: z.string(),
    type: z.literal('email'),
    from: z.string().email(),
    to: z.array(z.string().email()).min(1),
    smtp: z.object({ host: z.string(), port: z.number().int().positive().default(587), secure: z.boolean().default(false), user: envOr(z.string()).optional(), password: z.object({ env: z.string() }).optional(), ignore_tls: z.boolean().default(false) }).strict(),
  })
  .strict();
export const notifierSchema = z.discriminatedUnion('type', [webhook, slack, email]);
export type NotifierConfig = z.infer<typeof notifierSchema>;

const oneOrMany = <T extends z.ZodTypeAny>(value: T) => z.union([value, z.array(value)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.infer<T>[]);

/** `details.score > 0.2`: a threshold on a number inside the event's details. */
const threshold = z
  .object({ field: z.string().regex(/^[A-Za-z0-9_.]+$/), above: z.number().optional(), below: z.number().optional() })
  .strict()
  .refine((t) => t.above !== undefined || t.below !== undefined, 'a threshold needs above or below');

const rule = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/),
    stage: oneOrMany(z.enum(stages)).optional(),
    kind: oneOrMany(z.string()).optional(),
    /** At least this severe. */
    severity: z.enum(severities).optional(),
    source: oneOrMany(z.string()).optional(),
    threshold: threshold.optional(),
    /** After a sent alert, the rule stays quiet this long. */
    cooldown: z.string().default('0s'),
    /** The same finding (event fingerprint) is sent once per this window; `0s` turns it off. */
    dedupe: z.string().default('1h'),
    notify: z.array(z.string()).min(1),
  })
  .strict();

const section = z.object({ notifiers: z.array(notifierSchema).default([]), rules: z.array(rule).default([]) }).strict();

export type AlertRule = z.infer<typeof rule> & { cooldownMs: number; dedupeMs: number };
export interface AlertsConfig {
  notifiers: NotifierConfig[];
  rules: AlertRule[];
}

export function parseAlerts(raw: unknown, where = 'threadline.yaml'): AlertsConfig {
  if (raw === undefined || raw === null) return { notifiers: [], rules: [] };
  const parsed = { data: parseWith(section, raw, `${where}: alerts`) };
  const names = new Set<string>();
  for (const n of parsed.data.notifiers) {
    if (names.has(n.name)) throw invalidArgument(`${where}: alerts.notifiers: the name '${n.name}' is used twice`);
    names.add(n.name);
  }
  const rules = parsed.data.rules.map((r, i) => {
    for (const target of r.notify) if (!names.has(target)) throw invalidArgument(`${where}: alerts.rules[${i}] (${r.name}) notifies '${target}', which is not among the notifiers (${[...names].join(', ') || 'none'})`);
    return { ...r, cooldownMs: parseDuration(r.cooldown, `alerts.rules[${i}].cooldown`), dedupeMs: parseDuration(r.dedupe, `alerts.rules[${i}].dedupe`) };
  });
  return { notifiers: parsed.data.notifiers, rules };
}

/** Reads `{env: NAME}` at send time; a missing variable is a clear error, not an empty secret. */
export function resolveSecret(value: string | { env: string }, what: string, env: NodeJS.ProcessEnv = process.env): string {
  if (typeof value === 'string') return value;
  const found = env[value.env];
  if (!found) throw invalidArgument(`${what}: environment variable ${value.env} is not set`);
  return found;
}
