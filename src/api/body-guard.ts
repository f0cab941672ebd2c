import { Transform } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { wholeNumber as whole } from '../config.js';
import { unavailable } from '../errors.js';

/** How much request body the server holds, and for how long. */
export interface BodyLimits {
  /** Largest body a route reads whole (JSON), in bytes; larger ones get 413. */
  bodyLimit: number;
  /** Bytes of bodies being read whole, across all requests at once; past it, 503. */
  inflightBytes: number;
  /** A body read whole must have arrived within this; a slower one gets 408 and its connection closed. */
  bodyTimeoutMs: number;
  /** The whole request, streamed uploads included (Node's server.requestTimeout); 0 for none. */
  requestTimeoutMs: number;
  /** A connection that sends and receives nothing this long is closed; 0 for none. */
  idleTimeoutMs: number;
}

export const defaultBodyLimits: BodyLimits = {
  bodyLimit: 64 * 1024 * 1024,
  inflightBytes: 256 * 1024 * 1024,
  bodyTimeoutMs: 30_000,
  requestTimeoutMs: 3_600_000,
  idleTimeoutMs: 120_000,
};

const streamed = new WeakSet<object>();

/**
 * Content parsers that hand the body on as a stream (artifact uploads, bulk feedback) call this:
 * such a body passes through to disk, so it counts against neither the budget nor the body
 * timeout (the request timeout still bounds it).
 */
export function markStreamed(request: FastifyRequest): void {
  streamed.add(request.raw);
}

/**
 * Bounds what request bodies cost the server: each body read whole counts against one budget of
 * in-flight bytes shared by every request (a client declaring 60 MB and sending 8 MB holds 8 MB,
 * and a hundred of them cannot take the memory), and must arrive within the body timeout (a body
 * trickling a byte every few seconds is not held for ever).
 */
export function guardBodies(app: FastifyInstance, limits: BodyLimits): void {
  let inflight = 0;
  app.addHook('preParsing', async (request, reply, payload) => {
    const declared = Number(request.headers['content-length'] ?? Number.NaN);
    if (!(declared > 0) && request.headers['transfer-encoding'] === undefined) return payload;
    let held = 0;
    let first = true;
    const release = () => {
      inflight -= held;
      held = 0;
      clearTimeout(timer);
    };
    const guard = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        if (streamed.has(request.raw)) return callback(null, chunk);
        // The parser is chosen by now: a body to be read whole that cannot fit is refused unread.
        const wanted = first && declared > 0 ? declared : chunk.length;
        first = false;
        if (inflight + Math.max(wanted - held, chunk.length) > limits.inflightBytes) return callback(refuse(reply, 503, busy));
        inflight += chunk.length;
        held += chunk.length;
        callback(null, chunk);
      },
    });
    const timer = setTimeout(() => {
      if (streamed.has(request.raw) || guard.writableEnded) return;
      guard.destroy(refuse(reply, 408, `the request body did not arrive within ${limits.bodyTimeoutMs} ms`));
    }, limits.bodyTimeoutMs);
    timer.unref();
    guard.once('end', () => clearTimeout(timer));
    // Held until the exchange is over, whatever way it ends: answered, failed or abandoned.
    reply.raw.once('close', release);
    payload.once('error', (error) => guard.destroy(error));
    // Its own listener too: a body nobody reads (a 415) may still time out.
    guard.on('error', () => undefined);
    // Bytes flow only once the content parser reads, so that it has said whether it streams.
    const read = guard._read.bind(guard);
    let piped = false;
    guard._read = (size) => {
      if (!piped) payload.pipe(guard);
      piped = true;
      read(size);
    };
    return guard;
  });
}

const busy = 'the server is reading too many request bodies at once: retry later';

/** The error to answer with, after which the connection is closed (the rest of the body is unread). */
function refuse(reply: FastifyReply, status: 408 | 503, message: string): Error {
  reply.header('connection', 'close');
  return status === 503 ? unavailable(message) : Object.assign(new Error(message), { statusCode: status });
}

/** The limits from the environment (`THREADLINE_BODY_LIMIT_BYTES`, `THREADLINE_INFLIGHT_BYTES`, `THREADLINE_*_TIMEOUT_MS`). */
export function bodyLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): BodyLimits {
  const d = defaultBodyLimits;
  return {
    bodyLimit: whole(env, 'THREADLINE_BODY_LIMIT_BYTES', d.bodyLimit),
    inflightBytes: whole(env, 'THREADLINE_INFLIGHT_BYTES', d.inflightBytes),
    bodyTimeoutMs: whole(env, 'THREADLINE_BODY_TIMEOUT_MS', d.bodyTimeoutMs),
    requestTimeoutMs: whole(env, 'THREADLINE_REQUEST_TIMEOUT_MS', d.requestTimeoutMs),
    idleTimeoutMs: whole(env, 'THREADLINE_IDLE_TIMEOUT_MS', d.idleTimeoutMs),
  };
}
