import type http from 'node:http';
import { BodyCapture } from '../proxy/capture.js';
import { fastUuidV7 } from '../proxy/uuid.js';
import type { RequestTracer } from './tracer.js';

/**
 * One request inside a traced server: its id and headers set on arrival, the request body
 * captured as whoever reads it reads it (no extra listener, so the stream's flow is untouched),
 * the response captured from what the server writes, and one log row when the response closes.
 */
export class TracedExchange {
  readonly id = fastUuidV7();
  private readonly started = performance.now();
  private readonly time = Date.now();
  private readonly requestCapture: BodyCapture | undefined;
  readonly responseCapture: BodyCapture | undefined;

  constructor(
    private readonly tracer: RequestTracer,
    private readonly req: http.IncomingMessage,
    private readonly res: http.ServerResponse,
  ) {
    res.setHeader('x-threadline-prediction-id', this.id);
    const stamp = tracer.fields.stamp;
    for (let i = 0; i < stamp.length; i += 2) res.setHeader(stamp[i]!, stamp[i + 1]!);
    if (tracer.sample >= 1 || Math.random() < tracer.sample) {
      this.requestCapture = new BodyCapture(tracer.cap);
      this.responseCapture = new BodyCapture(tracer.cap);
      tapRequest(req, this.requestCapture);
    }
    res.once('close', () => this.closed());
  }

  private closed(): void {
    const redact = this.tracer.redact;
    const request = this.requestCapture?.result(redact);
    const response = this.responseCapture?.result(redact);
    const url = (this.req as { originalUrl?: string }).originalUrl ?? this.req.url ?? '/';
    this.tracer.log({
      id: this.id,
      time: this.time,
      method: this.req.method ?? 'GET',
      path: redact.path(url.slice(0, 2048)),
      status: this.res.statusCode,
      latencyMs: Math.round((performance.now() - this.started) * 1000) / 1000,
      requestBody: request?.text ?? null,
      responseBody: response?.text ?? null,
      truncated: Boolean(request?.truncated || response?.truncated),
      error: this.res.writableFinished ? null : 'client closed the connection before the response ended',
    });
  }
}

/** Sees each chunk as it is emitted to whoever reads the body, without reading it itself. */
function tapRequest(req: http.IncomingMessage, capture: BodyCapture): void {
  const emit = req.emit;
  req.emit = function (this: http.IncomingMessage, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'data') capture.add(typeof args[0] === 'string' ? Buffer.from(args[0]) : (args[0] as Buffer));
    return emit.call(this, event, ...args);
  } as typeof req.emit;
}

export type Chunk = string | Uint8Array;

export function toBuffer(chunk: Chunk, encoding?: BufferEncoding): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk, encoding ?? 'utf8') : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
