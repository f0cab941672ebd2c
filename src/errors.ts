import type { output, ZodType } from 'zod';
/**
 * The one error type of Threadline. Domain code throws it with a code; the HTTP shell maps the
 * code to a status (and, on the MLflow routes, to MLflow's error_code names), the CLI maps it to
 * one line on stderr and a non-zero exit.
 */
export const errorCodes = [
  'INVALID_ARGUMENT',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'CONFLICT',
  'FAILED_PRECONDITION',
  'UNAUTHENTICATED',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'UNAVAILABLE',
  'TOO_LARGE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export class ThreadlineError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ThreadlineError';
    this.code = code;
    this.details = details;
  }

  toJSON(): { error_code: ErrorCode; message: string } {
    return { error_code: this.code, message: this.message };
  }
}

export const invalidArgument = (message: string, details?: Record<string, unknown>) =>
  new ThreadlineError('INVALID_ARGUMENT', message, details);
export const notFound = (message: string, details?: Record<string, unknown>) =>
  new ThreadlineError('NOT_FOUND', message, details);
export const alreadyExists = (message: string, details?: Record<string, unknown>) =>
  new ThreadlineError('ALREADY_EXISTS', message, details);
export const conflict = (message: string, details?: Record<string, unknown>) =>
  new ThreadlineError('CONFLICT', message, details);

export const failedPrecondition = (message: string, details?: Record<string, unknown>) =>
  new ThreadlineError('FAILED_PRECONDITION', message, details);
export const permissionDenied = (message: string, details?: Record<string, unknown>) =>
  new ThreadlineError('PERMISSION_DENIED', message, details);
export const tooLarge = (message: string, details?: Record<string, unknown>) =>
  new ThreadlineError('TOO_LARGE', message, details);
export const unauthenticated = (message: string, details?: Record<string, unknown>) =>
  new ThreadlineError('UNAUTHENTICATED', message, details);
export const resourceExhausted = (message: string, details?: Record<string, unknown>) =>
  new ThreadlineError('RESOURCE_EXHAUSTED', message, details);
export const unavailable = (message: string, details?: Record<string, unknown>) =>
  new ThreadlineError('UNAVAILABLE', message, details);

/**
 * The one way a schema's complaint becomes bad input: INVALID_ARGUMENT with one line,
 * `<what> <field path>: <zod's message>`, and the path in details. Every domain parses with this.
 */
export function parseWith<S extends ZodType>(schema: S, value: unknown, what: string): output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = issue.path.length > 0 ? ` ${issue.path.join('.')}` : '';
  throw invalidArgument(`${what}${where}: ${issue.message}`, { path: issue.path });
}

export function isThreadlineError(error: unknown): error is ThreadlineError {
  return error instanceof ThreadlineError;
}
