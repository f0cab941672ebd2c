import type http from 'node:http';
import type { FastifyInstance, FastifyPluginCallback } from 'fastify';
import { injectableResponse } from '../proxy/trace-fields.js';
import { toBuffer, TracedExchange, type Chunk } from './exchange.js';
import type { RequestTracer } from './tracer.js';

const exchanges = new WeakMap<object, TracedExchange>();

/**
 * The Fastify plugin: ids and headers on each request, the trace fields spliced into JSON object
 * payloads (onSend, before Fastify sets Content-Length), bodies captured from the raw streams.
 * Registered without encapsulation, so it traces every route of the instance.
 */
export function fastifyPlugin(tracer: RequestTracer): FastifyPluginCallback {
  const plugin: FastifyPluginCallback = (app: FastifyInstance, _options, done) => {
    app.addHook('onRequest', (request, reply, next) => {
      if (tracer.traces(request.method, request.url)) {
        const exchange = new TracedExchange(tracer, request.raw, reply.raw);
        exchanges.set(request.raw, exchange);
        tapResponse(reply.raw, exchange);
      }
      next();
    });
    app.addHook('onSend', (request, reply, payload, next) => {
      const exchange = exchanges.get(request.raw);
      if (!exchange || !tracer.injects || request.method === 'HEAD' || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) return next(null, payload);
      const type = reply.getHeader('content-type');
      const encoding = reply.getHeader('content-encoding');
      const body = toBuffer(payload as Chunk);
      if (!injectableResponse(type === undefined ? undefined : String(type), body.length, encoding === undefined ? undefined : String(encoding))) return next(null, payload);
      const out = tracer.fields.inject(body, exchange.id);
      if (out !== body && reply.getHeader('content-length') !== undefined) void reply.header('content-length', out.length);
      next(null, out === body ? payload : out);
    });
    done();
  };
  // What fastify-plugin does: the hooks apply to the whole instance, not a child context.
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return plugin;
}

/** The response body as Fastify writes it to the socket (payload, stream or error page alike). */
function tapResponse(res: http.ServerResponse, exchange: TracedExchange): void {
  const capture = exchange.responseCapture;
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
