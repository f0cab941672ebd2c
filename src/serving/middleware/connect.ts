import type http from 'node:http';
import { injectableResponse } from '../proxy/trace-fields.js';
import { tapRequest, toBuffer, TracedExchange, type Chunk } from './exchange.js';
import type { RequestTracer } from './tracer.js';

type Next = (error?: unknown) => void;
type End = (chunk?: unknown, encoding?: unknown, callback?: unknown) => http.ServerResponse;

/**
 * Connect-style middleware (Express, Connect, or a node:http handler calling it first): the
 * response's `write`/`end` are wrapped to capture the body, and a JSON body sent whole by `end`
 * (what `res.json()`/`res.send()` do) gets the trace fields, its Content-Length set to match.
 */
export function connectMiddleware(tracer: RequestTracer): (req: http.IncomingMessage, res: http.ServerResponse, next?: Next) => void {
  return (req, res, next) => {
    if (tracer.traces(req.method, req.url)) trace(tracer, req, res);
    next?.();
  };
}

function trace(tracer: RequestTracer, req: http.IncomingMessage, res: http.ServerResponse): void {
  const exchange = new TracedExchange(tracer, req, res);
  tapRequest(req, exchange);
  const capture = exchange.captureResponseChunks();
  const write = res.write;
  const end = res.end as End;
  let wrote = false;
  res.write = function (this: http.ServerResponse, chunk: Chunk, ...rest: unknown[]): boolean {
    wrote = true;
    if (capture && chunk != null) capture.add(toBuffer(chunk, typeof rest[0] === 'string' ? (rest[0] as BufferEncoding) : undefined));
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof res.write;
  res.end = function (this: http.ServerResponse, chunk?: unknown, encoding?: unknown, callback?: unknown): http.ServerResponse {
    if (typeof chunk === 'function' || chunk == null) return end.call(this, chunk, encoding, callback);
    const cb = typeof encoding === 'function' ? encoding : callback;
    let body = toBuffer(chunk as Chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : undefined);
    if (!wrote && !this.headersSent && tracer.injects && req.method !== 'HEAD' && injectableResponse(header(this, 'content-type'), header(this, 'content-length') ?? body.length, header(this, 'content-encoding'))) {
      const out = tracer.fields.inject(body, exchange.id);
      if (out !== body) this.setHeader('content-length', out.length);
      body = out;
    }
    capture?.add(body);
    return end.call(this, body, cb);
  } as typeof res.end;
}

function header(res: http.ServerResponse, name: string): string | undefined {
  const value = res.getHeader(name);
  return value === undefined ? undefined : Array.isArray(value) ? value[0] : String(value);
}
