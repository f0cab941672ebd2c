import { invalidArgument } from './errors.js';

/** decodeURIComponent, with a malformed escape (`%`, `%E0%A4%A`) said as INVALID_ARGUMENT. */
export function decodePercent(raw: string, what: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw invalidArgument(`${what} is not valid percent-encoding: ${raw.slice(0, 200)}`);
  }
}
