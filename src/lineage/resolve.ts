import type { Kysely } from 'kysely';
import { invalidArgument, notFound } from '../errors.js';
import { runIdPattern, uuidPattern } from '../ids.js';
import type { Database } from '../store/schema.js';
import { LookupStore, type CodeMatch, type TimeOrderedTable } from './lookup-store.js';
import type { EntityRef, EntityType } from './types.js';

export interface ResolveContext {
  db: Kysely<Database>;
  /** The registry's own reading of `name@alias` / `name/3`, so trace and `models show` agree; without it model references are not read. */
  models?: { resolve(ref: string): Promise<{ name: string; version: number }> };
}

/** One way of reading an id. `accepts` is a cheap shape check; `find` looks it up. */
export interface Resolver {
  /** What the id was tried as, for "not found" messages: "run id (32 hex or a 6+ prefix)". */
  kind: string;
  /** The one type it finds, if it finds one type only: `trace TYPE ID` then asks no other. */
  type?: EntityType;
  accepts(id: string): boolean;
  find(id: string, ctx: ResolveContext): Promise<Candidate[]>;
}

export interface Candidate {
  ref: EntityRef;
  /** How the candidate reads in an "ambiguous" message, e.g. "code 3f9d2c1 (dirty)". */
  note?: string;
}

const maxCandidates = 10;
const hex = (min: number, max: number) => new RegExp(`^[0-9a-f]{${min},${max}}$`);

/** Fewer characters than this are refused as too short, never looked up: 5 hex match one id in a million. */
export const minIdLength = 6;
/** The short form of a time-ordered id: its random tail, the last 8 hex (`run-8310db3a`). */
export const shortFormLength = 8;

/**
 * How a table of time-ordered ids is read: whole, as its short form (a prefix of the last 8 hex,
 * the random tail shown in tables), or for 32-hex run ids also as a prefix of the whole id.
 */
export function timeOrderedResolver(options: { type: EntityType; table: TimeOrderedTable; kind: string }): Resolver {
  const uuid = options.table !== 'runs';
  const whole = uuid ? uuidPattern : runIdPattern;
  const partial = uuid ? hex(minIdLength, shortFormLength) : hex(minIdLength, 31);
  return {
    kind: options.kind,
    type: options.type,
    accepts: (id) => whole.test(id) || partial.test(id),
    async find(raw, ctx) {
      const id = raw.toLowerCase();
      const store = new LookupStore(ctx.db);
      const ids = whole.test(id) ? ((await store.exists(options.table, id)) ? [id] : []) : await store.idsByTailOrPrefix(options.table, id, { prefix: !uuid }, maxCandidates);
      return ids.map((found) => ({ ref: { type: options.type, id: found }, note: `${options.type} ${found}` }));
    },
  };
}

export const runResolver = timeOrderedResolver({ type: 'run', table: 'runs', kind: 'run id (32 hex, its short form: 6-8 of its last 8 hex, or a prefix of 6+)' });

/**
 * A git commit, full or a prefix. Several checkouts of one commit (clean, or dirty with different
 * patches, or other clones) are several code versions: the single clean one is meant; otherwise
 * the caller has to pick by code version digest.
 */
const commitResolver: Resolver = {
  type: 'code',
  kind: 'git commit (full sha or a prefix of 6+)',
  accepts: (id) => hex(6, 64).test(id),
  async find(id, ctx) {
    const matches = await new LookupStore(ctx.db).codeByCommitPrefix(id, maxCandidates * 2);
    const byCommit = new Map<string, CodeMatch[]>();
    for (const m of matches) byCommit.set(m.commitSha, [...(byCommit.get(m.commitSha) ?? []), m]);
    return [...byCommit.values()].flatMap((versions) => {
      const clean = versions.filter((v) => !v.dirty);
      return (clean.length === 1 ? clean : versions).map((v) => ({
        ref: { type: 'code' as const, id: v.id },
        note: `code ${v.id} (commit ${v.commitSha.slice(0, 12)}${v.dirty ? ', dirty' : ', clean'}${v.remoteUrl ? `, ${v.remoteUrl}` : ''})`,
      }));
    });
  },
};

const digestResolver: Resolver = {
  kind: 'sha256: digest of an artifact, data version, environment or code version (or a prefix of 6+ hex)',
  accepts: (id) => /^sha256:[0-9a-f]{6,64}$/.test(id),
  async find(id, ctx) {
    const refs = await new LookupStore(ctx.db).byDigestPrefix(id, maxCandidates);
    return refs.map((ref) => ({ ref, note: `${ref.type} ${ref.id}` }));
  },
};

/**
 * A data file's own content digest (`sha256sum orders.csv`, or the md5 of its `.dvc` pointer as
 * `md5:<hex>`): the data versions whose manifest holds that file.
 */
const dataFileResolver: Resolver = {
  kind: "a data file's own sha256: (or a prefix of 6+ hex), or md5:<DVC md5>",
  accepts: (id) => /^sha256:[0-9a-f]{6,64}$/.test(id) || /^md5:[0-9a-f]{32}$/.test(id),
  async find(id, ctx) {
    const files = await new LookupStore(ctx.db).dataByFileDigest(id, maxCandidates * 2);
    const byVersion = new Map<string, string[]>();
    for (const f of files) byVersion.set(f.dataDigest, [...(byVersion.get(f.dataDigest) ?? []), f.path]);
    return [...byVersion].map(([digest, paths]) => ({ ref: { type: 'data' as const, id: digest }, note: `data ${digest} (holds ${paths.join(', ')})` }));
  },
};

const modelResolver: Resolver = {
  kind: 'model version (NAME@ALIAS or NAME/VERSION)',
  type: 'model_version',
  accepts: (id) => /^[^@/]+(@[^@/]+|\/[^/]+)$/.test(id),
  async find(id, ctx) {
    if (!ctx.models) return [];
    try {
      const version = await ctx.models.resolve(id);
      const versionId = `${version.name}/${version.version}`;
      return [{ ref: { type: 'model_version', id: versionId }, note: `model_version ${versionId}` }];
    } catch (error) {
      if ((error as { code?: string }).code === 'NOT_FOUND' || (error as { code?: string }).code === 'INVALID_ARGUMENT') return [];
      throw error;
    }
  },
};

/**
 * The ways an id is read, in order. Modules that add entities add their resolver here (with
 * `registerResolver`): predictions (UUIDv7), deployments (`prod#14`), images
 * (`registry/name@sha256:…`, `registry/name:tag`).
 */
const resolvers: Resolver[] = [runResolver, commitResolver, digestResolver, dataFileResolver, modelResolver];

export function registerResolver(resolver: Resolver): void {
  if (!resolvers.includes(resolver)) resolvers.push(resolver);
}

/** The words `trace TYPE ID` accepts for a type. */
const typeWords: Record<string, EntityType> = {
  run: 'run',
  code: 'code',
  commit: 'code',
  data: 'data',
  env: 'environment',
  environment: 'environment',
  artifact: 'artifact',
  model: 'model_version',
  model_version: 'model_version',
  image: 'image',
  deployment: 'deployment',
  prediction: 'prediction',
  event: 'event',
  validation: 'validation',
};

export function parseEntityType(word: string): EntityType {
  const type = typeWords[word.toLowerCase()];
  if (!type) throw invalidArgument(`Unknown entity type '${word}': expected one of ${Object.keys(typeWords).join(', ')}`);
  return type;
}

/**
 * Which entity `rawId` means: every resolver whose shape fits is asked, and exactly one entity
 * must answer. With `type`, only entities of that type count (`trace run 3f9d2c`).
 *
 * @example
 * await resolveEntity(ctx, 'amazon-recommender@champion') // { type: 'model_version', id: 'amazon-recommender/7' }
 */
export async function resolveEntity(ctx: ResolveContext, rawId: string, type?: EntityType): Promise<EntityRef> {
  return pick(ctx, rawId, resolvers.filter((r) => !type || !r.type || r.type === type), type);
}

/**
 * The full id of one entity of one kind, as `runs show`, `predictions show`, `events show` take it:
 * whole, short form or prefix; "too short", ambiguous (with the candidates) or `${what} '…' not found`.
 *
 * @example
 * await resolveIdWith(runResolver, { db }, '8310db3a', 'Run') // '01a249…8310db3a'
 */
export async function resolveIdWith(resolver: Resolver, ctx: ResolveContext, rawId: string, what: string): Promise<string> {
  try {
    return (await pick(ctx, rawId, [resolver], resolver.type)).id;
  } catch (error) {
    if ((error as { code?: string }).code === 'NOT_FOUND') throw notFound(`${what} '${rawId}' not found`, { id: rawId });
    throw error;
  }
}

async function pick(ctx: ResolveContext, rawId: string, candidatesFrom: Resolver[], type?: EntityType): Promise<EntityRef> {
  const id = rawId.trim();
  // A short hex string would be a prefix of everything: refuse it rather than say "not found".
  if (/^(sha256:)?[0-9a-f]{1,5}$/i.test(id)) {
    throw invalidArgument(`'${rawId}' is too short: give at least ${minIdLength} characters of an id (tables show ${shortFormLength})`, { id: rawId, reason: 'too_short' });
  }
  // Hex ids are stored lowercase; model names keep their case.
  const lookups = [...new Set([id, id.toLowerCase()])];
  const tried = candidatesFrom.filter((r) => lookups.some((l) => r.accepts(l)));
  const found = new Map<string, Candidate>();
  for (const resolver of tried) {
    for (const lookup of lookups.filter((l) => resolver.accepts(l))) {
      for (const candidate of await resolver.find(lookup, ctx)) {
        if (type && candidate.ref.type !== type) continue;
        found.set(`${candidate.ref.type}:${candidate.ref.id}`, candidate);
      }
    }
  }
  const candidates = [...found.values()];
  if (candidates.length === 1) return candidates[0]!.ref;
  if (candidates.length > 1) {
    const listed = candidates.slice(0, maxCandidates).map((c) => c.note ?? `${c.ref.type} ${c.ref.id}`);
    throw invalidArgument(`'${rawId}' is ambiguous, it matches: ${listed.join('; ')}${candidates.length > maxCandidates ? '; …' : ''}. Give more characters or a type.`, {
      candidates: candidates.map((c) => c.ref),
    });
  }
  const kinds = (tried.length > 0 ? tried : candidatesFrom).map((r) => r.kind);
  const what = type ? `No ${type} matches` : 'Nothing matches';
  throw notFound(`${what} '${rawId}' (${tried.length > 0 ? 'tried' : 'expected'}: ${kinds.join('; ')})`, { id: rawId });
}
