import type http from 'node:http';
import { BodyCapture, captureWhole } from '../proxy/capture.js';
import { fastUuidV7 } from '../proxy/uuid.js';
import type { RequestTracer } from './tracer.js';

/**
 * One request inside a traced server: its id and headers set on arrival, the request body
 * captured as whoever reads it reads it, the response body captured whole (the Fastify plugin
 * sees it in onSend) or from what the server writes, and one log row when the response closes.
 * Everything per request is in this one object: no closures or patched methods on the hot path
 * but the `close` listener (and, for Connect, the body taps that have no other way in).
 */
export class TracedExchange {
  readonly id = fastUuidV7();
  private readonly started = performance.now();
  private readonly time = Date.now();
  readonly sampled: boolean;
  private requestCapture: BodyCapture | undefined;
  /** The response body from a server that hands it over whole. */
  private responseWhole: string | Buffer | undefined;
  /** Or its chunks, as they are written. */
  private responseCapture: BodyCapture | undefined;

  constructor(
    private readonly tracer: RequestTracer,
    private readonly req: http.IncomingMessage,
    private readonly res: http.ServerResponse,
  ) {
    res.setHeader('x-threadline-prediction-id', this.id);
    const stamp = tracer.fields.stamp;
    for (let i = 0; i < stamp.length; i += 2) res.setHeader(stamp[i]!, stamp[i + 1]!);
    this.sampled = tracer.sample >= 1 || Math.random() < tracer.sample;
    res.once('close', this.closed);
  }

  /** A chunk of the request body, as the server's body parser receives it. */
  readonly requestData = (chunk: Buffer | string): void => {
    (this.requestCapture ??= new BodyCapture(this.tracer.cap)).add(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  };

  /** The whole response body, when the server hands it over in one piece. */
  responseBody(body: string | Buffer): void {
    if (this.sampled) this.responseWhole = body;
  }

  /** Starts collecting the response from the chunks the server writes. */
  captureResponseChunks(): BodyCapture | undefined {
    if (this.sampled) this.responseCapture ??= new BodyCapture(this.tracer.cap);
    return this.responseCapture;
  }

  private readonly closed = (): void => {
    const { tracer, req, res } = this;
    const redact = tracer.redact;
    const request = this.requestCapture?.result(redact);
    const response = this.responseWhole !== undefined ? captureWhole(this.responseWhole, tracer.cap, redact) : this.responseCapture?.result(redact);
    const url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
    const { deploymentId, modelName, modelVersion, runId, gitSha } = tracer.identity;
    tracer.sink.log({
      id: this.id,
      deploymentId,
      time: this.time,
      method: req.method ?? 'GET',
      path: redact.path(url.length > 2048 ? url.slice(0, 2048) : url),
      status: res.statusCode,
      latencyMs: Math.round((performance.now() - this.started) * 1000) / 1000,
      requestBody: request?.text ?? null,
      responseBody: response?.text ?? null,
      truncated: request?.truncated === true || response?.truncated === true,
      modelName,
      modelVersion,
      runId,
      gitSha,
      error: res.writableFinished ? null : 'client closed the connection before the response ended',
    });
  };
}

/** Sees each chunk as it is emitted to whoever reads the body, without reading it itself. */
export function tapRequest(req: http.IncomingMessage, exchange: TracedExchange): void {
  if (!exchange.sampled) return;
  const emit = req.emit;
  const data = exchange.requestData;
  req.emit = function (this: http.IncomingMessage, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'data') data(args[0] as Buffer | string);
    return emit.call(this, event, ...args);
  } as typeof req.emit;
}

export type Chunk = string | Uint8Array;

export function toBuffer(chunk: Chunk, encoding?: BufferEncoding): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk, encoding ?? 'utf8') : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
