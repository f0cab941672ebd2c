import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool, type Dispatcher } from 'undici';
import type { Prediction } from '../types.js';
import { BodyCapture, type CapturedBody } from './capture.js';
import { Redactor } from './redactor.js';
import { requestHead, responseHead, type ResponseHead } from './headers.js';
import type { ServingIdentity } from './identity.js';
import { fastUuidV7 } from './uuid.js';
import { injectableResponse, TraceFields } from './trace-fields.js';

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

const notCaptured: CapturedBody = { text: null, truncated: false };

/**
 * The tracing proxy: every request gets a UUIDv7 prediction id, the x-threadline-* headers
 * on its response, the id, model version, run id and git sha inside JSON object responses, and
 * a row in the prediction log (handed to the sink, which never blocks).
 *
 * Hot path (see bench/proxy.ts): one undici dispatch per request with a plain handler object
 * (no promise, no Readable for the response), the request body streamed to the upstream as it
 * arrives, headers handled as raw lists, and each response written as head + body in one write
 * when it is injected.
 */
export class TracingProxy {
  readonly server: http.Server;
  readonly pool: Pool;
  readonly redact: Redactor;
  readonly cap: number;
  readonly sample: number;
  readonly injects: boolean;
  /** `x-threadline-run-id` / `-git-sha` pairs, the same on every response. */
  readonly stamp: readonly string[];
  private readonly fields: TraceFields;

  constructor(readonly options: TracingProxyOptions) {
    this.pool = new Pool(options.upstream, { connections: options.connections ?? 128, keepAliveTimeout: 30_000 });
    this.redact = new Redactor(options.redact ?? []);
    this.cap = options.maxBody ?? 64 * 1024;
    this.sample = options.sample ?? 1;
    this.injects = options.inject !== false;
    this.fields = new TraceFields(options.identity);
    this.stamp = this.fields.stamp;
    this.server = http.createServer({ noDelay: true }, (req, res) => this.handle(req, res));
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

  /**
   * Stops accepting and lets the requests in flight finish: kept-alive connections are closed as
   * soon as they fall idle; whatever still runs after `graceMs` is cut (and logged as such).
   */
  async close(graceMs = 25_000): Promise<void> {
    const idle = setInterval(() => this.server.closeIdleConnections(), 50);
    const cut = setTimeout(() => this.server.closeAllConnections(), graceMs);
    try {
      await new Promise<void>((resolve) => {
        this.server.close(() => resolve());
        this.server.closeIdleConnections();
      });
    } finally {
      clearInterval(idle);
      clearTimeout(cut);
    }
    await this.pool.close();
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (this.options.health && req.method === 'GET' && req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.options.health()));
      return;
    }
    const { forward, hasBody } = requestHead(req.rawHeaders);
    const exchange = new Exchange(this, req, res, hasBody);
    if (!hasBody) {
      this.dispatch(req, forward, null, exchange);
      return;
    }
    req.on('error', ignore);
    // node:http emits 'request' before it parses the body bytes that came in the same read; one
    // tick later a small request is complete and goes out as one buffer (head and body in one
    // write, no stream plumbing). A body still arriving streams to the upstream as it comes.
    process.nextTick(() => {
      if (req.complete && !req.destroyed) {
        const body = req.read() as Buffer | null;
        exchange.captureWholeBody(body);
        this.dispatch(req, forward, body, exchange);
      } else {
        this.dispatch(req, forward, req, exchange);
      }
    });
  }

  private dispatch(req: http.IncomingMessage, headers: string[], body: Buffer | http.IncomingMessage | null, exchange: Exchange): void {
    this.pool.dispatch({ path: req.url ?? '/', method: (req.method ?? 'GET') as Dispatcher.HttpMethod, headers, body }, exchange as unknown as Dispatcher.DispatchHandler);
  }

  injectable(method: string | undefined, head: ResponseHead): boolean {
    if (!this.injects || method === 'HEAD') return false;
    return injectableResponse(head.contentType, head.contentLength, head.contentEncoding);
  }

  /** The body with the trace fields when it is a JSON object (see TraceFields). */
  inject(body: Buffer, id: string): Buffer {
    return this.fields.inject(body, id);
  }

  log(p: Omit<Prediction, 'deploymentId' | 'modelName' | 'modelVersion' | 'runId' | 'gitSha'>): void {
    const identity = this.options.identity;
    this.options.sink.log({
      id: p.id,
      deploymentId: identity.deploymentId,
      time: p.time,
      method: p.method,
      path: p.path,
      status: p.status,
      latencyMs: p.latencyMs,
      requestBody: p.requestBody,
      responseBody: p.responseBody,
      truncated: p.truncated,
      modelName: identity.modelName,
      modelVersion: identity.modelVersion,
      runId: identity.runId,
      gitSha: identity.gitSha,
      error: p.error,
    });
  }
}

function ignore(): void {}

/**
 * One request through the proxy, and the undici handler of its upstream request (the legacy
 * handler interface: raw header buffers, body chunks as they come, no stream objects). Not
 * declared as undici's DispatchHandler: its typings say onBodySent gets a size, while undici 7
 * passes the chunk sent (the proxy tests catch it if that changes).
 */
class Exchange {
  readonly id = fastUuidV7();
  private readonly started = performance.now();
  private readonly time = Date.now();
  private status = 0;
  private error: string | null = null;
  private readonly requestCapture: BodyCapture | undefined;
  private responseCapture: BodyCapture | undefined;
  private requestSent = false;
  private bodyRead = false;
  private abortUpstream: ((reason?: Error) => void) | undefined;
  private resumeUpstream: (() => void) | undefined;
  /** Set while a JSON response is being collected for injection. */
  private head: ResponseHead | undefined;
  private collected: Buffer[] | undefined;
  private settled = false;

  constructor(
    private readonly proxy: TracingProxy,
    private readonly req: http.IncomingMessage,
    private readonly res: http.ServerResponse,
    private readonly hasBody: boolean,
  ) {
    const sampled = proxy.sample >= 1 || Math.random() < proxy.sample;
    if (sampled) {
      if (hasBody) this.requestCapture = new BodyCapture(proxy.cap);
      this.responseCapture = new BodyCapture(proxy.cap);
    }
    res.once('close', () => this.closed());
  }

  onConnect(abort: (reason?: Error) => void): void {
    this.abortUpstream = abort;
  }

  /** The request body read in one piece (it had all arrived): captured here, whether or not the upstream takes it. */
  captureWholeBody(body: Buffer | null): void {
    this.bodyRead = true;
    if (body) this.requestCapture?.add(body);
  }

  /** Each chunk of a streamed request body, as undici writes it to the upstream. */
  onBodySent(chunk: Buffer): void {
    if (!this.bodyRead) this.requestCapture?.add(chunk);
  }

  onRequestSent(): void {
    this.requestSent = true;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    this.status = statusCode;
    this.resumeUpstream = resume;
    const head = responseHead(rawHeaders);
    head.headers.push('x-threadline-prediction-id', this.id, ...this.proxy.stamp);
    if (this.proxy.injectable(this.req.method, head)) {
      this.head = head;
      this.collected = [];
      return true;
    }
    // Anything else streams through untouched, chunk by chunk, keeping what the cap allows.
    if (!this.res.destroyed) this.res.writeHead(statusCode, head.headers);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.collected) {
      this.collected.push(chunk);
      return true;
    }
    this.responseCapture?.add(chunk);
    if (this.res.destroyed || this.res.write(chunk)) return true;
    this.res.once('drain', this.resumeUpstream!);
    return false;
  }

  onComplete(): void {
    this.settled = true;
    if (this.res.destroyed) return;
    if (!this.collected) {
      this.res.end();
      return;
    }
    const original = this.collected.length === 1 ? this.collected[0]! : Buffer.concat(this.collected);
    const out = this.proxy.inject(original, this.id);
    const { headers, contentLengthAt } = this.head!;
    if (out !== original) headers[contentLengthAt] = String(out.length);
    this.responseCapture?.add(out);
    // Head and body leave in one write.
    this.res.writeHead(this.status, headers).end(out);
  }

  onError(cause: Error): void {
    this.settled = true;
    if (this.res.destroyed) return; // the client left first; closed() has logged it
    const upstream = this.proxy.options.upstream;
    if (this.res.headersSent) {
      this.error = `upstream ${upstream} broke off the response: ${cause.message}`;
      this.res.destroy();
      return;
    }
    this.error = this.status ? `upstream ${upstream} broke off the response: ${cause.message}` : `upstream ${upstream} unavailable: ${cause.message}`;
    this.status = 502;
    const reply = Buffer.from(JSON.stringify({ error_code: 'UNAVAILABLE', message: this.error }));
    this.responseCapture = this.responseCapture && new BodyCapture(this.proxy.cap);
    this.responseCapture?.add(reply);
    const send = () => void this.res.writeHead(502, ['content-type', 'application/json', 'content-length', String(reply.length), 'x-threadline-prediction-id', this.id, ...this.proxy.stamp]).end(reply);
    // The upstream never took the body: read it here, for the log and to keep the connection usable.
    if (this.hasBody && !this.bodyRead && !this.requestSent && !this.req.destroyed && !this.req.readableEnded) {
      if (this.requestCapture) this.req.on('data', (chunk: Buffer) => this.requestCapture!.add(chunk));
      else this.req.resume();
      this.req.once('end', send);
      return;
    }
    send();
  }

  private closed(): void {
    if (!this.res.writableFinished && !this.error) this.error = 'client closed the connection before the response ended';
    if (!this.settled) this.abortUpstream?.(new Error('client closed the connection'));
    const redact = this.proxy.redact;
    const request = this.requestCapture?.result(redact) ?? notCaptured;
    const response = this.responseCapture?.result(redact) ?? notCaptured;
    this.proxy.log({
      id: this.id,
      time: this.time,
      method: this.req.method ?? 'GET',
      path: redact.path((this.req.url ?? '/').slice(0, 2048)),
      status: this.status,
      latencyMs: Math.round((performance.now() - this.started) * 1000) / 1000,
      requestBody: request.text,
      responseBody: response.text,
      truncated: request.truncated || response.truncated,
      error: this.error,
    });
  }
}
