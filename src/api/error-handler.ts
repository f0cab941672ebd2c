import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isThreadlineError, type ErrorCode } from '../errors.js';
import { databaseInputError } from '../store/input-errors.js';

export const httpStatus: Record<ErrorCode, number> = {
  INVALID_ARGUMENT: 400,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  CONFLICT: 409,
  FAILED_PRECONDITION: 412,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  RESOURCE_EXHAUSTED: 429,
  UNAVAILABLE: 503,
  TOO_LARGE: 413,
  INTERNAL: 500,
};

export interface ErrorBody {
  error_code: string;
  message: string;
}

/** Turns any error into `{error_code, message}` with a status; the one place that does so. */
export function toErrorResponse(raw: unknown): { status: number; body: ErrorBody } {
  const error = databaseInputError(raw) ?? raw;
  if (isThreadlineError(error)) return { status: httpStatus[error.code], body: { error_code: error.code, message: error.message } };
  const fastifyError = error as Partial<FastifyError>;
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
    // Fastify's own complaints: unparseable JSON, an unsupported media type, a body too large.
    return { status: fastifyError.statusCode, body: { error_code: 'INVALID_ARGUMENT', message: fastifyError.message ?? 'bad request' } };
  }
  return { status: 500, body: { error_code: 'INTERNAL', message: 'internal error: see the server log' } };
}

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = toErrorResponse(error);
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  // A database restart: clients retry (the SDK and the CLI do; so can a balancer).
  if (status === 503) void reply.header('retry-after', '1');
  // A 401 says how to authenticate (as MLflow's auth app does); a 429 when to try again.
  if (status === 401) void reply.header('www-authenticate', 'Basic realm="threadline", charset="UTF-8"');
  if (status === 429) void reply.header('retry-after', String(retryAfterOf(error)));
  void reply.status(status).send(body);
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  void reply.status(404).send({ error_code: 'NOT_FOUND', message: `No route for ${request.method} ${request.url.split('?')[0]}` });
}

/** Seconds a 429's client should wait, from the error's details. */
export function retryAfterOf(error: unknown): number {
  const seconds = (error as { details?: { retryAfterS?: unknown } }).details?.retryAfterS;
  return typeof seconds === 'number' ? seconds : 60;
}
