import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isThreadlineError, type ErrorCode } from '../../errors.js';
import { databaseInputError } from '../../store/input-errors.js';
import { retryAfterOf } from '../error-handler.js';

/** An error already phrased in MLflow's terms: its `error_code` name and HTTP status. */
export class MlflowError extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'MlflowError';
  }
}

/** MLflow's wording for an absent required field, so clients that match on it keep working. */
export function missingParameter(name: string): MlflowError {
  return new MlflowError(
    'INVALID_PARAMETER_VALUE',
    `Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`,
  );
}

export function invalidParameter(message: string): MlflowError {
  return new MlflowError('INVALID_PARAMETER_VALUE', message);
}

// MLflow answers a duplicate name with 400, where the native API says 409.
const byCode: Record<ErrorCode, { errorCode: string; status: number }> = {
  NOT_FOUND: { errorCode: 'RESOURCE_DOES_NOT_EXIST', status: 404 },
  ALREADY_EXISTS: { errorCode: 'RESOURCE_ALREADY_EXISTS', status: 400 },
  INVALID_ARGUMENT: { errorCode: 'INVALID_PARAMETER_VALUE', status: 400 },
  CONFLICT: { errorCode: 'INVALID_STATE', status: 400 },
  FAILED_PRECONDITION: { errorCode: 'INVALID_STATE', status: 400 },
  UNAUTHENTICATED: { errorCode: 'UNAUTHENTICATED', status: 401 },
  PERMISSION_DENIED: { errorCode: 'PERMISSION_DENIED', status: 403 },
  RESOURCE_EXHAUSTED: { errorCode: 'RESOURCE_EXHAUSTED', status: 429 },
  UNAVAILABLE: { errorCode: 'TEMPORARILY_UNAVAILABLE', status: 503 },
  TOO_LARGE: { errorCode: 'INVALID_PARAMETER_VALUE', status: 413 },
  INTERNAL: { errorCode: 'INTERNAL_ERROR', status: 500 },
};

export function toMlflowError(raw: unknown): { status: number; body: { error_code: string; message: string } } {
  const error = databaseInputError(raw) ?? raw;
  if (error instanceof MlflowError) return { status: error.status, body: { error_code: error.errorCode, message: error.message } };
  if (isThreadlineError(error)) {
    const { errorCode, status } = byCode[error.code];
    return { status, body: { error_code: errorCode, message: error.message } };
  }
  const fastifyError = error as Partial<FastifyError>;
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
    // Unparseable JSON, an unsupported media type, a body too large: the request itself is bad.
    return { status: 400, body: { error_code: 'MALFORMED_REQUEST', message: fastifyError.message ?? 'malformed request' } };
  }
  return { status: 500, body: { error_code: 'INTERNAL_ERROR', message: 'internal error: see the server log' } };
}

/** Scoped to the MLflow plugins only, so the native routes keep their own codes. */
export function mlflowErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = toMlflowError(error);
  if (status >= 500) request.log.error({ err: error }, 'MLflow request failed');
  // A database restart: clients retry (the SDK and the CLI do; so can a balancer).
  if (status === 503) void reply.header('retry-after', '1');
  // A 401 says how to authenticate (as MLflow's auth app does); a 429 when to try again.
  if (status === 401) void reply.header('www-authenticate', 'Basic realm="threadline", charset="UTF-8"');
  if (status === 429) void reply.header('retry-after', String(retryAfterOf(error)));
  void reply.status(status).send(body);
}

export function mlflowNotFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  void reply.status(404).send({ error_code: 'ENDPOINT_NOT_FOUND', message: `No MLflow endpoint for ${request.method} ${request.url.split('?')[0]}` });
}
