import { CommanderError } from 'commander';
import { isThreadlineError } from '../errors.js';
import { ThreadlineApiError } from '../sdk/errors.js';

const exitCodes: Record<string, number> = {
  INVALID_ARGUMENT: 2,
  NOT_FOUND: 3,
  ALREADY_EXISTS: 4,
  CONFLICT: 4,
  FAILED_PRECONDITION: 5,
  UNAVAILABLE: 69,
};

/** The CLI's one error handler: one line on stderr, an exit status by error code. */
export function reportError(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  if (isThreadlineError(error) || error instanceof ThreadlineApiError) {
    process.stderr.write(`threadline: ${error.message} (${error.code})\n`);
    return exitCodes[error.code] ?? 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`threadline: internal error: ${message.split('\n')[0]}\n`);
  if (process.env.THREADLINE_DEBUG) console.error(error);
  return 1;
}
