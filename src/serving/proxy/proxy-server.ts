import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { newUuid } from '../../ids.js';
import type { Prediction } from '../types.js';
import { BodyCapture, captureBuffer, type CapturedBody } from './capture.js';
import { forwardable, header } from './headers.js';
import type { ServingIdentity } from './identity.js';

export interface PredictionSink {
  log(prediction: Prediction): void;
}

export interface TracingProxyOptions {
  upstream: string;
  identity: ServingIdentity;
  sink: PredictionSink;
  /** Add prediction_id, model_version, run_id, git_sha to JSON object responses (default true). */
  inject?: boolean;
  /** Bytes of each body kept in the log (default 64 KiB); the rest is cut and flagged. */
  maxBody?: number;
  /** Share of requests whose bodies are logged (0–1, default 1); every request is logged. */
  sample?: number;
  /** Keys whose values are replaced by "[REDACTED]" in the log, at any depth. */
  redact?: readonly string[];
  /** When set, `GET /health` is answered here with this body (the model server's contract). */
  health?: () => Record<string, unknown>;
  /** Keep-alive connections to the upstream (default 128). */
  connections?: number;
}

// JSON responses larger than this are passed through as they are, not rewritten.
const maxInjectBytes = 8 * 1024 * 1024;

/**
 * The tracing proxy: every request gets a UUIDv7 prediction id, the x-threadline-* headers
 * on its response, the id, model version, run id and git sha inside JSON object responses, and
 * a row in the prediction log (handed to the sink, which never blocks).
 */
export class TracingProxy {
  readonly server: http.Server;
  private readonly pool: Pool;
  private readonly redact: ReadonlySet<string>;
  private readonly stamp: Record<string, string>;

  constructor(private readonly options: TracingProxyOptions) {
    this.pool = new Pool(options.upstream, { connections: options.connections ?? 128, keepAliveTimeout: 30_000 });
    this.redact = new Set(options.redact ?? []);
    const { runId, gitSha } = options.identity;
    this.stamp = { ...(runId && { 'x-threadline-run-id': runId }), ...(gitSha && { 'x-threadline-git-sha': gitSha }) };
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 65_000;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    const { port: bound } = this.server.address() as AddressInfo;
    return `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
    await this.pool.close();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (this.options.health && req.method === 'GET' && req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.options.health()));
      return;
    }
    const started = performance.now();
    const time = Date.now();
    const id = newUuid();
    const sampled = (this.options.sample ?? 1) >= 1 || Math.random() < (this.options.sample ?? 1);
    const cap = this.options.maxBody ?? 64 * 1024;
    const body = await readBody(req);
    const requestLog = sampled ? captureBuffer(body, cap, this.redact) : { text: null, truncated: false };
    let responseLog: CapturedBody = { text: null, truncated: false };
    let status = 0;
    let error: string | null = null;
    const finish = () => {
      if (!res.writableFinished && !error) error = 'client closed the connection before the response ended';
      this.log({ id, time, req, status, latencyMs: performance.now() - started, requestLog, responseLog, error });
    };
    res.once('close', finish);
    const stamp = { 'x-threadline-prediction-id': id, ...this.stamp };

    let upstream;
    try {
      upstream = await this.pool.request({ path: req.url ?? '/', method: (req.method ?? 'GET') as 'GET', headers: forwardable(req.headers), body: body.length > 0 ? body : undefined });
    } catch (cause) {
      status = 502;
      error = `upstream ${this.options.upstream} unavailable: ${(cause as Error).message}`;
      const reply = JSON.stringify({ error_code: 'UNAVAILABLE', message: error });
      responseLog = sampled ? captureBuffer(Buffer.from(reply), cap, this.redact) : responseLog;
      res.writeHead(502, { ...stamp, 'content-type': 'application/json', 'content-length': Buffer.byteLength(reply) }).end(reply);
      return;
    }
    status = upstream.statusCode;
    const headers: Record<string, string | string[]> = { ...forwardable(upstream.headers), ...stamp };
    if (this.injectable(req, headers)) {
      const original = Buffer.from(await upstream.body.arrayBuffer());
      const out = this.inject(original, id);
      if (out !== original) headers['content-length'] = String(out.length);
      if (sampled) responseLog = captureBuffer(out, cap, this.redact);
      res.writeHead(status, headers).end(out);
      return;
    }
    // Anything else streams through untouched, chunk by chunk, keeping what the cap allows.
    res.writeHead(status, headers);
    const capture = sampled ? new BodyCapture(cap) : undefined;
    if (capture) upstream.body.on('data', (chunk: Buffer) => capture.add(chunk));
    upstream.body.once('error', (cause: Error) => {
      error = `upstream ${this.options.upstream} broke off the response: ${cause.message}`;
      res.destroy();
    });
    upstream.body.once('end', () => {
      if (capture) responseLog = capture.result(this.redact);
    });
    upstream.body.pipe(res);
  }

  private injectable(req: http.IncomingMessage, headers: Record<string, string | string[]>): boolean {
    if (this.options.inject === false || req.method === 'HEAD') return false;
    const length = header(headers, 'content-length');
    const encoding = header(headers, 'content-encoding');
    return /\bjson\b/i.test(header(headers, 'content-type') ?? '') && length !== undefined && Number(length) <= maxInjectBytes && (!encoding || encoding === 'identity');
  }

  /** The body with the trace fields added when it is a JSON object; otherwise the same buffer. */
  private inject(body: Buffer, id: string): Buffer {
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {
      return body;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return body;
    const { modelVersion, runId, gitSha } = this.options.identity;
    return Buffer.from(JSON.stringify({ ...value, prediction_id: id, model_version: modelVersion, run_id: runId, git_sha: gitSha }));
  }

  private log(p: { id: string; time: number; req: http.IncomingMessage; status: number; latencyMs: number; requestLog: CapturedBody; responseLog: CapturedBody; error: string | null }): void {
    const identity = this.options.identity;
    this.options.sink.log({
      id: p.id,
      deploymentId: identity.deploymentId,
      time: p.time,
      method: p.req.method ?? 'GET',
      path: (p.req.url ?? '/').slice(0, 2048),
      status: p.status,
      latencyMs: Math.round(p.latencyMs * 1000) / 1000,
      requestBody: p.requestLog.text,
      responseBody: p.responseLog.text,
      truncated: p.requestLog.truncated || p.responseLog.truncated,
      modelName: identity.modelName,
      modelVersion: identity.modelVersion,
      runId: identity.runId,
      gitSha: identity.gitSha,
      error: p.error,
    });
  }
}

/** The request body in one buffer (model requests are small JSON); events, not an async iterator, for speed. */
function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}
