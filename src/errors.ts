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
  'PERMISSION_DENIED',
  'UNAVAILABLE',
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
export const unavailable = (message: string, details?: Record<string, unknown>) =>
  new ThreadlineError('UNAVAILABLE', message, details);

export function isThreadlineError(error: unknown): error is ThreadlineError {
  return error instanceof ThreadlineError;
}
