import { stringifyWithNonFinite } from '../api/json.js';

/** Results go to stdout (ids, tables, JSON); progress and logs go to stderr. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(JSON.parse(stringifyWithNonFinite(value)), null, 2) + '\n');
}

export function printLine(line = ''): void {
  process.stdout.write(line + '\n');
}

/** What `server`, `proxy` and `serve` print once listening: the URL, or `{"url","port"}` with --json. */
export function printStartLine(url: string, json: boolean | undefined): void {
  printLine(json ? JSON.stringify({ url, port: Number(new URL(url).port) }) : url);
}

export function progress(message: string): void {
  process.stderr.write(`threadline: ${message}\n`);
}

/** A plain aligned table: the first row is the header. */
export function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length)));
  for (const row of rows) printLine(row.map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col]!))).join('  ').trimEnd());
}

export function formatTime(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function formatDuration(start: number, end: number | null): string {
  if (end === null) return '-';
  const seconds = (end - start) / 1000;
  return seconds < 60 ? `${seconds.toFixed(1)}s` : `${Math.floor(seconds / 60)}m${Math.round(seconds % 60)}s`;
}
