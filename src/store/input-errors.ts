import { invalidArgument, unavailable, type ThreadlineError } from '../errors.js';

/**
 * Database errors that the values sent caused, said as the ThreadlineError they are: a number
 * past a column's range, text PostgreSQL cannot hold, a statement too large to compile. The HTTP
 * error handlers answer them 4xx instead of 500; anything else stays an internal error.
 */
export function databaseInputError(error: unknown): ThreadlineError | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code !== 'string') return undefined;
  const text = typeof message === 'string' ? message : String(message);
  // PostgreSQL SQLSTATE class 22, data exception: out of range, invalid text, NUL, too long.
  if (/^22[0-9A-Z]{3}$/.test(code)) return invalidArgument(`the database refused a value: ${text}`);
  // 54xxx, program limit exceeded: too many terms, too deep an expression.
  if (/^54[0-9A-Z]{3}$/.test(code)) return invalidArgument(`the request is too large for the database: ${text}`);
  // 57014, query_canceled: the statement timeout (or a cancel) ended it.
  if (code === '57014') return unavailable(`the query was cancelled: ${text}; narrow the request or try again later`);
  if (code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG' || code === 'SQLITE_RANGE') return invalidArgument(`the database refused a value: ${text}`);
  if (code === 'SQLITE_ERROR' && /too many SQL variables|Expression tree is too large|too many terms|parser stack overflow/i.test(text)) {
    return invalidArgument(`the request is too large for the database: ${text}`);
  }
  return undefined;
}
