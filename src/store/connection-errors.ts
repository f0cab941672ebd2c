import { ThreadlineError } from '../errors.js';

// Socket-level failures: the database is down, restarting, or the network between is.
const socketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);
// SQLSTATEs of a server going away or not ready yet: admin/crash shutdown, starting up,
// too many connections, and class 08 (connection exception).
const serverStates = new Set(['57P01', '57P02', '57P03', '53300']);
// node-postgres' own errors carry no code, only these messages.
const driverMessages = /Connection terminated|not queryable|timeout exceeded when trying to connect|Connection ended|Client was closed/i;

/** True when the error says the database cannot be reached now, not that the query is wrong. */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (socketCodes.has(code) || serverStates.has(code) || code.startsWith('08'))) return true;
  if (error instanceof AggregateError) return error.errors.some(isConnectionError);
  return code === undefined && driverMessages.test(error.message);
}

/**
 * A lost database as UNAVAILABLE (HTTP 503, retried by clients); anything else unchanged. The
 * message names the cause but never the URL, which may carry a password.
 */
export function asUnavailable(error: unknown): unknown {
  if (!isConnectionError(error)) return error;
  const e = error as Error & { code?: string };
  const cause = e.message || (e instanceof AggregateError ? e.errors.map((x: Error) => x.message).join('; ') : '') || e.code || 'no connection';
  // A host with several addresses fails as an AggregateError whose own code is empty: name the first inner one.
  const code = e.code ?? (e instanceof AggregateError ? (e.errors as { code?: string }[]).find((x) => x.code)?.code : undefined);
  return new ThreadlineError('UNAVAILABLE', `database unavailable: ${cause}`, { cause: code ?? 'connection' });
}
