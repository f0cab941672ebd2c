import { CommanderError } from 'commander';
import { isThreadlineError } from '../errors.js';
import { ThreadlineApiError } from '../sdk/errors.js';

const exitCodes: Record<string, number> = {
  INVALID_ARGUMENT: 2,
  NOT_FOUND: 3,
  ALREADY_EXISTS: 4,
  CONFLICT: 4,
  FAILED_PRECONDITION: 5,
  UNAUTHENTICATED: 77,
  PERMISSION_DENIED: 77,
  RESOURCE_EXHAUSTED: 75,
  UNAVAILABLE: 69,
  TOO_LARGE: 2,
};

/** The CLI's one error handler: one line on stderr, an exit status by error code. */
export function reportError(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  if (isThreadlineError(error) || error instanceof ThreadlineApiError) {
    process.stderr.write(`threadline: ${error.message} (${error.code})\n`);
    return exitCodes[error.code] ?? 1;
  }
  const system = systemErrorLine(error);
  if (system) {
    process.stderr.write(`threadline: ${system} (UNAVAILABLE)\n`);
    return exitCodes.UNAVAILABLE!;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`threadline: internal error: ${message.split('\n')[0]}\n`);
  if (process.env.THREADLINE_DEBUG) console.error(error);
  return 1;
}

/** Errors from the operating system that a user can act on, said as what to do rather than `internal error: listen …`. */
function systemErrorLine(error: unknown): string | undefined {
  const e = error as NodeJS.ErrnoException & { address?: string; port?: number };
  if (e?.syscall !== 'listen') return undefined;
  const where = `${e.address ?? 'the address'}${e.port !== undefined ? `:${e.port}` : ''}`;
  if (e.code === 'EADDRINUSE') return `port ${e.port ?? '?'} is already in use on ${e.address ?? 'this host'}: stop what listens there or choose another --port`;
  if (e.code === 'EACCES') return `not allowed to listen on ${where}: choose a port above 1023`;
  if (e.code === 'EADDRNOTAVAIL') return `cannot listen on ${where}: no such local address (--host)`;
  return undefined;
}
