import { tryParseDuration } from '../duration.js';
import { invalidArgument } from '../errors.js';

/** `--since`: epoch ms, a duration back from now (`90s`, `30m`, `1h`, `2d`, `1w`) or an ISO time. */
export function parseSince(value: number | string, now = Date.now()): number {
  if (typeof value === 'number') return value;
  const duration = tryParseDuration(value);
  if (duration !== undefined) return now - duration;
  if (/^\d+$/.test(value.trim())) return Number(value);
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw invalidArgument(`--since takes a duration (30m, 1h, 2d) or an ISO time, got '${value}'`);
  return time;
}
