import { createHash } from 'node:crypto';
import { redactUrl, redactUrlsIn } from '../../capture/redact.js';
import { failedPrecondition, invalidArgument, isThreadlineError, unavailable } from '../../errors.js';

/** A header value as written in threadline.yaml: text, or the name of an env var holding it. */
export type HeaderValue = string | { env: string };

/** Header names whose values are credentials: only ever read from the environment. */
export const secretHeaderName = /authorization|cookie|token|secret|password|key|credential/i;

/**
 * Header values for a request, secrets read from the environment at the moment of the request
 * (never stored, never logged). A literal value under a secret-looking name (Authorization,
 * Cookie, *token*, *key*…) is refused so that it cannot end up in threadline.yaml's history.
 */
export function resolveHeaders(headers: Record<string, HeaderValue> | undefined, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (typeof value === 'string') {
      if (secretHeaderName.test(name)) {
        throw invalidArgument(`header ${name}: give the value as {env: VAR_NAME}, not in threadline.yaml`);
      }
      out[name] = value;
    } else {
      const secret = env[value.env];
      if (secret === undefined || secret === '') throw failedPrecondition(`header ${name}: environment variable ${value.env} is not set`);
      out[name] = secret;
    }
  }
  return out;
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const maxRedirects = 10;
const maxJsonBytes = 1 << 20;

export interface Validators {
  etag?: string | null;
  lastModified?: string | null;
}

export type Fetched =
  | { status: 304 }
  | { status: 200; etag: string | null; lastModified: string | null; body: { digest: string; size: number } | null; json?: unknown };

export interface ConditionalRequest {
  url: string;
  method: 'GET' | 'HEAD';
  headers: Record<string, string>;
  /** Sent as If-None-Match / If-Modified-Since so an unchanged resource costs a 304. */
  validators?: Validators;
  /** Parse the body as JSON rather than hashing it. */
  json?: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * One conditional request. A GET body is hashed (sha256) while it streams, never held whole.
 * Network failures, timeouts and non-2xx answers are UNAVAILABLE errors naming the URL without
 * its user-info or secret query values; the caller's state is untouched.
 */
export async function conditionalFetch(req: ConditionalRequest): Promise<Fetched> {
  // fetch would refuse these itself, quoting the value (a secret) in its message.
  for (const [name, value] of Object.entries(req.headers)) {
    if (!/^[\t\x20-\x7e\x80-\xff]*$/.test(value)) {
      throw invalidArgument(`header ${name}: its value holds a newline or control character HTTP does not allow (a trailing newline from a file read into the variable?)`, { header: name });
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(req.url)) {
    throw invalidArgument(`${redactUrl(req.url)}: credentials in the URL are never sent; give them as a header read from the environment (headers: {Authorization: {env: VAR_NAME}})`);
  }
  const headers: Record<string, string> = { ...req.headers };
  if (req.validators?.etag) headers['if-none-match'] = req.validators.etag;
  if (req.validators?.lastModified) headers['if-modified-since'] = req.validators.lastModified;
  const shown = redactUrl(req.url);
  const signals = [AbortSignal.timeout(req.timeoutMs), ...(req.signal ? [req.signal] : [])];
  const signal = AbortSignal.any(signals);
  let res: Response;
  try {
    // Redirects followed here, not by fetch: fetch drops only Authorization when the origin
    // changes and would hand an X-Api-Key or Cookie header to whatever host it is sent on to.
    let url = req.url;
    let sent = headers;
    for (let hop = 0; ; hop++) {
      res = await fetch(url, { method: req.method, headers: sent, redirect: 'manual', signal });
      const location = redirectStatuses.has(res.status) ? res.headers.get('location') : null;
      if (!location) break;
      await res.body?.cancel();
      if (hop >= maxRedirects) throw unavailable(`${req.method} ${shown}: more than ${maxRedirects} redirects`, { url: shown });
      const next = new URL(location, url);
      if (next.origin !== new URL(url).origin) sent = Object.fromEntries(Object.entries(sent).filter(([name]) => !secretHeaderName.test(name)));
      url = next.href;
    }
  } catch (error) {
    if (isThreadlineError(error)) throw error;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const raw = (error as Error).name === 'TimeoutError' ? `no answer within ${req.timeoutMs} ms` : cause?.code ?? cause?.message ?? (error as Error).message;
    // Whatever fetch says, it never repeats a header value or a URL's credentials (fetch quotes
    // the whole URL when it refuses user-info in it).
    const reason = Object.values(req.headers).reduce((text, value) => (value.length >= 4 ? text.replaceAll(value, '[header value]') : text), redactUrlsIn(raw));
    throw unavailable(`${req.method} ${shown} failed: ${reason}`, { url: shown });
  }
  if (res.status === 304) {
    await res.body?.cancel();
    return { status: 304 };
  }
  if (!res.ok) {
    await res.body?.cancel();
    const hint = res.status === 401 || res.status === 403 ? ' (missing or wrong credentials?)' : res.status === 404 ? ' (not found, or private without credentials)' : '';
    throw unavailable(`${req.method} ${shown} answered HTTP ${res.status}${hint}`, { url: shown, status: res.status });
  }
  const etag = res.headers.get('etag');
  const lastModified = res.headers.get('last-modified');
  if (req.method === 'HEAD' || !res.body) return { status: 200, etag, lastModified, body: null };
  if (req.json) {
    // A revision answer is a few KB; a base_url pointing at a file must not be read whole.
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > maxJsonBytes) {
        await res.body.cancel().catch(() => {});
        throw unavailable(`${req.method} ${shown}: the answer is larger than ${maxJsonBytes} bytes, not an API answer (check base_url)`, { url: shown });
      }
      chunks.push(Buffer.from(chunk));
    }
    try {
      return { status: 200, etag, lastModified, body: null, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
    } catch (error) {
      throw unavailable(`${req.method} ${shown}: the answer is not JSON: ${(error as Error).message}`, { url: shown });
    }
  }
  const hash = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      size += chunk.length;
    }
  } catch (error) {
    throw unavailable(`${req.method} ${shown}: the body broke off after ${size} bytes: ${(error as Error).message}`, { url: shown });
  }
  return { status: 200, etag, lastModified, body: { digest: `sha256:${hash.digest('hex')}`, size } };
}
