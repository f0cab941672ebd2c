import type { PredictionCursor, PredictionStatusFilter } from './types.js';

// A newest-first page's cursor as text: `--before` and the HTTP `before` parameter
// (src/sdk/prediction-query.ts writes it for the SDK and the web UI).

/** `TIME:ID`, as `--before` and the HTTP `before` parameter spell a cursor. */
export function cursorText(cursor: PredictionCursor): string {
  return `${cursor.time}:${cursor.id}`;
}

/** The cursor `TIME:ID` spells; checked where the query is (a malformed one comes back NaN and is refused there). */
export function cursorFromText(text: string): PredictionCursor {
  const colon = text.indexOf(':');
  return colon < 0 ? { time: Number.NaN, id: text } : { time: /^\d+$/.test(text.slice(0, colon)) ? Number(text.slice(0, colon)) : Number.NaN, id: text.slice(colon + 1) };
}

/** `--status` and the HTTP `status` parameter: digits are a status code, anything else is passed on to be checked where the query is. */
export function statusFromText(text: string): PredictionStatusFilter {
  return /^\d+$/.test(text) ? Number(text) : (text as PredictionStatusFilter);
}
