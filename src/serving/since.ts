import { invalidArgument } from '../errors.js';

const units: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `--since`: epoch ms, a duration back from now (`90s`, `30m`, `1h`, `2d`, `1w`) or an ISO time. */
export function parseSince(value: number | string, now = Date.now()): number {
  if (typeof value === 'number') return value;
  const duration = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(value.trim());
  if (duration) return now - Number(duration[1]) * units[duration[2]!]!;
  if (/^\d+$/.test(value.trim())) return Number(value);
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw invalidArgument(`--since takes a duration (30m, 1h, 2d) or an ISO time, got '${value}'`);
  return time;
}
