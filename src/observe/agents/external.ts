import { z } from 'zod';
import { redactUrl } from '../../capture/redact.js';
import { parseDuration } from '../../duration.js';
import { unavailable } from '../../errors.js';
import type { ObserverAgent, ObserverContext } from '../agent.js';
import { conditionalFetch, resolveHeaders, secretHeaderName, type Fetched } from '../external/fetch.js';
import { recordExternalVersion, type ExternalVersion } from '../external/record.js';

const headerValue = z.union([z.string(), z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name') }).strict()]);

export const externalSettings = z
  .object({
    url: z.string().regex(/^https?:\/\//, 'must be an http(s) URL').optional(),
    /**
     * What says "a new version": `etag` or `last_modified` (HEAD requests, the marker is the
     * version), `digest` (GET, sha256 of the body), `auto` (GET with both validators sent, the
     * body's digest decides: a new ETag over the same bytes is not a new version).
     */
    method: z.enum(['auto', 'etag', 'last_modified', 'digest']).default('auto'),
    headers: z
      .record(z.string(), headerValue)
      .optional()
      .refine((h) => Object.entries(h ?? {}).every(([name, value]) => typeof value !== 'string' || !secretHeaderName.test(name)), {
        message: 'a credential header (Authorization, Cookie, *token*, *key*…) takes {env: VAR_NAME}, never a literal value',
      }),
    huggingface: z
      .object({
        repo: z.string().regex(/^[A-Za-z0-9][\w.-]*\/[\w.-]+$/, 'org/name'),
        type: z.enum(['model', 'dataset']).default('model'),
        revision: z.string().min(1).default('main'),
        /** The Hub (or a mirror, or a test server). */
        base_url: z.string().regex(/^https?:\/\//).default('https://huggingface.co'),
        token: z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/) }).strict().optional(),
      })
      .strict()
      .optional(),
    timeout: z.union([z.string(), z.number()]).default('30s'),
  })
  .strict()
  .refine((s) => Boolean(s.url) !== Boolean(s.huggingface), { message: 'give exactly one of url or huggingface' });

export type ExternalSettings = z.infer<typeof externalSettings>;

/** What the last poke learnt: the version and the validators for the next conditional request. */
interface ExternalState {
  target: string;
  version: string;
  etag: string | null;
  lastModified: string | null;
  digest: string | null;
  size: number | null;
  sha: string | null;
  data: string;
}

const stateKey = 'external';

export const externalAgent: ObserverAgent<ExternalSettings> = {
  stage: 'external',
  defaultInterval: '10m',
  settings: externalSettings as unknown as z.ZodType<ExternalSettings>,
  async poke(ctx, settings) {
    const timeoutMs = parseDuration(settings.timeout, 'timeout');
    const seen = settings.huggingface ? await pokeHuggingFace(ctx, settings, timeoutMs) : await pokeUrl(ctx, settings, timeoutMs);
    if (!seen) return;
    const before = await ctx.state.get<ExternalState>(stateKey);
    const previous = before?.target === seen.target ? before : undefined;
    if (previous && previous.version === seen.state.version) {
      // Same version; keep the newest validators so the next request can be a 304.
      await ctx.state.set(stateKey, { ...previous, etag: seen.state.etag, lastModified: seen.state.lastModified });
      return;
    }
    const recorded = await recordExternalVersion(ctx.tl.store.db, seen.lineage);
    const state: ExternalState = { ...seen.state, target: seen.target, data: recorded.data.id };
    const marker = (s: Pick<ExternalState, 'version'>) => (s.version.length > 24 ? `${s.version.slice(0, 19)}…` : s.version);
    const facts = (s: ExternalState) => ({ version: s.version, etag: s.etag, lastModified: s.lastModified, digest: s.digest, size: s.size, sha: s.sha, data: s.data });
    if (!previous) {
      await ctx.emit({
        stage: 'external',
        kind: 'revision_discovered',
        severity: 'info',
        summary: `${seen.label}: first seen at ${marker(state)}`,
        subjects: [recorded.data, recorded.dataset],
        details: { target: seen.target, method: seen.method, after: facts(state) },
        fingerprint: `revision_discovered:${seen.target}:${state.version}`.slice(0, 256),
      });
    } else {
      await ctx.emit({
        stage: 'external',
        kind: 'new_revision',
        severity: 'info',
        summary: `${seen.label}: new revision ${marker(previous)} → ${marker(state)}`,
        subjects: [recorded.data, recorded.dataset, { type: 'data', id: previous.data }],
        details: { target: seen.target, method: seen.method, before: facts(previous), after: facts(state) },
        fingerprint: `new_revision:${seen.target}:${state.version}`.slice(0, 256),
      });
    }
    await ctx.state.set(stateKey, state);
  },
};

interface Seen {
  /** What is watched, without secrets: the URL or `huggingface:model/org/name@main`. */
  target: string;
  label: string;
  method: string;
  state: Omit<ExternalState, 'target' | 'data'>;
  lineage: ExternalVersion;
}

async function pokeUrl(ctx: ObserverContext, settings: ExternalSettings, timeoutMs: number): Promise<Seen | null> {
  const url = settings.url!;
  const target = redactUrl(url);
  const before = await ctx.state.get<ExternalState>(stateKey);
  const known = before?.target === target ? before : undefined;
  const method = settings.method;
  const validators = {
    etag: method === 'auto' || method === 'etag' ? known?.etag : null,
    lastModified: method === 'auto' || method === 'last_modified' ? known?.lastModified : null,
  };
  const head = method === 'etag' || method === 'last_modified';
  const res = await conditionalFetch({ url, method: head ? 'HEAD' : 'GET', headers: resolveHeaders(settings.headers), validators, timeoutMs, signal: ctx.signal });
  if (res.status === 304) {
    ctx.log(`${target}: not modified`);
    return null;
  }
  const version = versionOf(res, method, target);
  const parsed = new URL(target);
  return {
    target,
    label: target,
    method,
    state: { version, etag: res.etag, lastModified: res.lastModified, digest: res.body?.digest ?? null, size: res.body?.size ?? null, sha: null },
    lineage: { namespace: parsed.origin, name: `${parsed.pathname}${parsed.search}`, version, facts: { method, etag: res.etag, lastModified: res.lastModified, digest: res.body?.digest ?? null, size: res.body?.size ?? null } },
  };
}

function versionOf(res: Extract<Fetched, { status: 200 }>, method: ExternalSettings['method'], target: string): string {
  if (method === 'etag') {
    if (!res.etag) throw unavailable(`${target} sends no ETag: use method last_modified or digest`);
    return res.etag;
  }
  if (method === 'last_modified') {
    if (!res.lastModified) throw unavailable(`${target} sends no Last-Modified: use method etag or digest`);
    return res.lastModified;
  }
  if (!res.body) throw unavailable(`${target} answered without a body to digest`);
  return res.body.digest;
}

/**
 * The Hub's revision API (`/api/models/<repo>/revision/<rev>`, `/api/datasets/…`) names the
 * commit a branch or tag points at as `sha`: that is the version.
 */
async function pokeHuggingFace(ctx: ObserverContext, settings: ExternalSettings, timeoutMs: number): Promise<Seen | null> {
  const hf = settings.huggingface!;
  const base = hf.base_url.replace(/\/+$/, '');
  const url = `${base}/api/${hf.type}s/${hf.repo}/revision/${encodeURIComponent(hf.revision)}`;
  const target = `huggingface:${hf.type}/${hf.repo}@${hf.revision}`;
  const before = await ctx.state.get<ExternalState>(stateKey);
  const known = before?.target === target ? before : undefined;
  const headers = resolveHeaders({ ...(settings.headers ?? {}), ...(hf.token ? { Authorization: { env: hf.token.env } } : {}) });
  if (hf.token) headers.Authorization = `Bearer ${headers.Authorization}`;
  const res = await conditionalFetch({ url, method: 'GET', headers, validators: { etag: known?.etag }, json: true, timeoutMs, signal: ctx.signal });
  if (res.status === 304) {
    ctx.log(`${target}: not modified`);
    return null;
  }
  const body = res.json as { sha?: unknown; lastModified?: unknown } | null;
  if (typeof body?.sha !== 'string' || !/^[0-9a-f]{7,64}$/i.test(body.sha)) throw unavailable(`${redactUrl(url)}: no commit sha in the answer`);
  const lastModified = typeof body.lastModified === 'string' ? body.lastModified : res.lastModified;
  return {
    target,
    label: `Hugging Face ${hf.type} ${hf.repo}@${hf.revision}`,
    method: 'huggingface',
    state: { version: body.sha, etag: res.etag, lastModified, digest: null, size: null, sha: body.sha },
    lineage: {
      namespace: new URL(base).origin,
      name: hf.type === 'dataset' ? `datasets/${hf.repo}` : hf.repo,
      version: body.sha,
      facts: { repo: hf.repo, type: hf.type, revision: hf.revision, sha: body.sha, lastModified },
    },
  };
}
