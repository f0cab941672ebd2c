import type { Kysely } from 'kysely';
import { invalidArgument, notFound } from '../errors.js';
import type { ModelVersion } from '../registry/types.js';
import type { Database } from '../store/schema.js';
import { LookupStore, type CodeMatch } from './lookup-store.js';
import type { EntityRef, EntityType } from './types.js';

export interface ResolveContext {
  db: Kysely<Database>;
  /** The registry's own reading of `name@alias` / `name/3`, so trace and `models show` agree. */
  models: { resolve(ref: string): Promise<ModelVersion> };
}

/** One way of reading an id. `accepts` is a cheap shape check; `find` looks it up. */
export interface Resolver {
  /** What the id was tried as, for "not found" messages: "run id (32 hex or a 6+ prefix)". */
  kind: string;
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

const runResolver: Resolver = {
  kind: 'run id (32 hex, or a prefix of 6+)',
  accepts: (id) => hex(6, 32).test(id),
  async find(id, ctx) {
    const ids = await new LookupStore(ctx.db).runIdsWithPrefix(id, maxCandidates);
    return ids.map((runId) => ({ ref: { type: 'run', id: runId }, note: `run ${runId}` }));
  },
};

/**
 * A git commit, full or a prefix. Several checkouts of one commit (clean, or dirty with different
 * patches, or other clones) are several code versions: the single clean one is meant; otherwise
 * the caller has to pick by code version digest.
 */
const commitResolver: Resolver = {
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
  accepts: (id) => /^[^@/]+(@[^@/]+|\/[^/]+)$/.test(id),
  async find(id, ctx) {
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
  const id = rawId.trim();
  // Hex ids are stored lowercase; model names keep their case.
  const lookups = [...new Set([id, id.toLowerCase()])];
  const tried = resolvers.filter((r) => lookups.some((l) => r.accepts(l)));
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
  const kinds = (tried.length > 0 ? tried : resolvers).map((r) => r.kind);
  const what = type ? `No ${type} matches` : 'Nothing matches';
  throw notFound(`${what} '${rawId}' (${tried.length > 0 ? 'tried' : 'expected'}: ${kinds.join('; ')})`, { id: rawId });
}
