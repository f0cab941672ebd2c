import type http from 'node:http';
import type { FastifyInstance, FastifyPluginCallback, FastifyRequest } from 'fastify';
import { injectableResponse } from '../proxy/trace-fields.js';
import { toBuffer, TracedExchange, type Chunk } from './exchange.js';
import type { RequestTracer } from './tracer.js';

// The request's exchange, in a decorated property (declared up front, so every request keeps one shape).
const slot = 'threadlineExchange';
type Traced = FastifyRequest & { [slot]: TracedExchange | null };

/**
 * The Fastify plugin: ids and headers on each request (onRequest), the request body seen as
 * Fastify's parser reads it (preParsing), the trace fields spliced into JSON object payloads and
 * the payload captured whole (onSend, before Fastify sets Content-Length); only a streamed
 * payload is captured from the socket writes. Registered without encapsulation, so it traces
 * every route of the instance.
 */
export function fastifyPlugin(tracer: RequestTracer): FastifyPluginCallback {
  const plugin: FastifyPluginCallback = (app: FastifyInstance, _options, done) => {
    app.decorateRequest(slot, null);
    app.addHook('onRequest', (request, reply, next) => {
      if (tracer.traces(request.method, request.url)) (request as Traced)[slot] = new TracedExchange(tracer, request.raw, reply.raw);
      next();
    });
    app.addHook('preParsing', (request, _reply, payload, next) => {
      const exchange = (request as Traced)[slot];
      if (exchange?.sampled) payload.on('data', exchange.requestData);
      next(null, payload);
    });
    app.addHook('onSend', (request, reply, payload, next) => {
      const exchange = (request as Traced)[slot];
      if (!exchange) return next(null, payload);
      if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) {
        if (payload != null) tapResponse(reply.raw, exchange);
        return next(null, payload);
      }
      let out: string | Buffer = payload;
      if (tracer.injects && request.method !== 'HEAD') {
        const type = reply.getHeader('content-type');
        const encoding = reply.getHeader('content-encoding');
        if (injectableResponse(type === undefined ? undefined : String(type), payload.length, encoding === undefined ? undefined : String(encoding))) {
          out = typeof payload === 'string' ? tracer.fields.injectText(payload, exchange.id) : tracer.fields.inject(payload, exchange.id);
          if (out !== payload && reply.getHeader('content-length') !== undefined) void reply.header('content-length', Buffer.byteLength(out));
        }
      }
      exchange.responseBody(out);
      next(null, out);
    });
    done();
  };
  // What fastify-plugin does: the hooks apply to the whole instance, not a child context.
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return plugin;
}

/** A streamed response body, as Fastify writes it to the socket. */
function tapResponse(res: http.ServerResponse, exchange: TracedExchange): void {
  const capture = exchange.captureResponseChunks();
  if (!capture) return;
  const write = res.write;
  const end = res.end;
  res.write = function (this: typeof res, chunk: Chunk, ...rest: unknown[]): boolean {
    if (chunk != null) capture.add(toBuffer(chunk));
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof res.write;
  res.end = function (this: typeof res, chunk?: unknown, ...rest: unknown[]) {
    if (chunk != null && typeof chunk !== 'function') capture.add(toBuffer(chunk as Chunk));
    return (end as (...args: unknown[]) => typeof res).call(this, chunk, ...rest);
  } as typeof res.end;
}
