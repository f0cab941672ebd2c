import { invalidArgument } from './errors.js';

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const pattern = /^(\d+(?:\.\d+)?)(ms|[smhdw])$/;

/** `90s`, `30m`, `1h`, `2d`, `1w`, `250ms` → milliseconds; undefined when `value` is not a duration. */
export function tryParseDuration(value: string): number | undefined {
  const match = pattern.exec(value.trim());
  return match ? Number(match[1]) * units[match[2]!]! : undefined;
}

/** A duration from configuration or a flag; `what` names it in the error. */
export function parseDuration(value: string | number, what = 'duration'): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value * 1000;
  const ms = typeof value === 'string' ? tryParseDuration(value) : undefined;
  if (ms === undefined) throw invalidArgument(`${what} takes a duration like 30s, 5m, 1h or 2d, got '${value}'`);
  return ms;
}

/** `--since`: epoch ms, a duration back from now (`90s`, `30m`, `1h`, `2d`, `1w`) or an ISO time; `what` names it in the error. */
export function parseSince(value: number | string, now = Date.now(), what = '--since'): number {
  if (typeof value === 'number') return value;
  const duration = tryParseDuration(value);
  if (duration !== undefined) return now - duration;
  if (/^\d+$/.test(value.trim())) return Number(value);
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw invalidArgument(`${what} takes a duration (30m, 1h, 2d) or an ISO time, got '${value}'`);
  return time;
}
