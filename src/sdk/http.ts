import { Agent, request } from 'undici';
import { ThreadlineApiError } from './errors.js';
import { isTransient, retryFromEnv, withRetry, type RetryPolicy } from './retry.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type RawBody = Uint8Array | string | NodeJS.ReadableStream;

export interface TransportOptions {
  retry?: Partial<RetryPolicy>;
  /** An API token (`tlt_…`) or an SSO JWT, sent as `Authorization: Bearer`; default THREADLINE_TOKEN. */
  token?: string;
}

/**
 * One connection pool to a Threadline server, and the calling convention of its native API:
 * JSON in and out (non-finite metric values as strings), `{error_code, message}` as
 * ThreadlineApiError, and retries of idempotent calls across a short outage.
 */
export class HttpTransport {
  readonly location: string;
  private readonly agent = new Agent({ keepAliveTimeout: 10_000, connections: 8 });
  private readonly retry: RetryPolicy;
  /** Whether any call has reached the server: connection failures are retried only after that. */
  private reached = false;
  private readonly authorization: Record<string, string>;

  /**
   * Idempotent calls (reads, PUT, DELETE, and the writes that are idempotent by design) are
   * retried with backoff across a short outage: `retry.timeoutMs` (THREADLINE_RETRY_TIMEOUT,
   * default 30 s) in all. Creating calls (a run, an event) are not: a retry could make two.
   */
  constructor(baseUrl: string, options: TransportOptions = {}) {
    this.location = baseUrl.replace(/\/+$/, '');
    this.retry = { ...retryFromEnv(), ...options.retry };
    const token = options.token ?? process.env.THREADLINE_TOKEN;
    this.authorization = token ? { authorization: `Bearer ${token}` } : {};
  }

  call<T = void>(
    method: Method,
    path: string,
    json?: unknown,
    raw?: { body: RawBody | (() => RawBody) },
    responseType: 'json' | 'bytes' = 'json',
    idempotent = method === 'GET' || method === 'PUT' || method === 'DELETE',
  ): Promise<T> {
    const once = () => this.callOnce<T>(method, path, json, raw, responseType);
    // A stream can be sent once; a retry needs a factory that opens it again.
    const replayable = !raw || typeof raw.body === 'function' || typeof raw.body === 'string' || raw.body instanceof Uint8Array;
    if (!idempotent || !replayable || this.retry.timeoutMs <= 0) return once();
    return withRetry(this.retry, once, (error) => isTransient(error, this.reached));
  }

  /** A GET whose answer is streamed, not buffered (model files of any size). */
  async stream(path: string): Promise<NodeJS.ReadableStream> {
    let response;
    try {
      response = await request(this.location + path, { method: 'GET', headers: this.authorization, dispatcher: this.agent });
    } catch (error) {
      throw unreachable(this.location, error);
    }
    if (response.statusCode < 400) return response.body;
    throw apiError(response.statusCode, await response.body.text());
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async callOnce<T>(method: Method, path: string, json: unknown, raw: { body: RawBody | (() => RawBody) } | undefined, responseType: 'json' | 'bytes'): Promise<T> {
    const headers: Record<string, string> = { ...this.authorization };
    let body: RawBody | undefined;
    if (raw) {
      headers['content-type'] = 'application/octet-stream';
      body = typeof raw.body === 'function' ? raw.body() : raw.body;
    } else if (json !== undefined || method === 'POST') {
      // A body-less POST goes as `{}`: the server refuses POSTs a browser could send cross-site unasked.
      headers['content-type'] = 'application/json';
      body = JSON.stringify(json ?? {}, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
    }
    let response;
    try {
      response = await request(this.location + path, { method, headers, body: body as never, dispatcher: this.agent });
    } catch (error) {
      throw unreachable(this.location, error);
    }
    this.reached = true;
    let bytes: Buffer;
    try {
      bytes = Buffer.from(await response.body.arrayBuffer());
    } catch (error) {
      // The server went away mid-answer (a replica killed): as unreachable, so it is retried.
      throw new ThreadlineApiError('UNAVAILABLE', `Threadline at ${this.location} broke off its answer: ${(error as Error).message}`, 0);
    }
    const text = bytes.toString('utf8');
    if (response.statusCode >= 400) throw apiError(response.statusCode, text);
    if (responseType === 'bytes') return bytes as T;
    return (text ? JSON.parse(text, reviveNonFinite) : undefined) as T;
  }
}

function unreachable(location: string, error: unknown): ThreadlineApiError {
  return new ThreadlineApiError('UNAVAILABLE', `cannot reach Threadline at ${location}: ${(error as Error).message}`, 0);
}

/** The server's `{error_code, message}` as an error (or the status line when not JSON). */
function apiError(status: number, text: string): ThreadlineApiError {
  let parsed: { error_code?: string; message?: string } = {};
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the status line
  }
  return new ThreadlineApiError(parsed.error_code ?? 'INTERNAL', parsed.message ?? `HTTP ${status}`, status);
}

function reviveNonFinite(key: string, value: unknown): unknown {
  if (key === 'value' && (value === 'NaN' || value === 'Infinity' || value === '-Infinity')) return Number(value);
  return value;
}
