import readline from 'node:readline';
import { Readable } from 'node:stream';

/** One feedback line as read: its prediction id and label, or why it could not be read. */
export type FeedbackLine = { predictionId: string; label: unknown; source: string | null } | { invalid: string };

/**
 * Streams feedback rows from JSON lines (`{"prediction_id": …, "label": …}`) or CSV with a
 * `prediction_id` column (the `label` or `value` column is the label; without one, the other
 * columns are). Quoted CSV fields may hold commas and doubled quotes, not line breaks.
 */
export async function* parseFeedback(input: NodeJS.ReadableStream | AsyncIterable<Uint8Array>, format: 'jsonl' | 'csv'): AsyncGenerator<FeedbackLine> {
  const lines = readline.createInterface({ input: Readable.from(bytesOnly(input as AsyncIterable<unknown>)), crlfDelay: Infinity });
  let header: string[] | undefined;
  for await (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    if (format === 'jsonl') {
      yield fromObject(parseJson(line));
      continue;
    }
    const cells = splitCsv(line);
    if (!header) {
      header = cells.map((c) => c.trim());
      if (!header.includes('prediction_id')) throw new Error('the CSV has no prediction_id column');
      continue;
    }
    yield fromObject(Object.fromEntries(header.map((name, i) => [name, csvValue(cells[i] ?? '')])));
  }
}

/**
 * readline throws inside a stream callback (where nothing can catch it) on a chunk that is not
 * text or bytes, e.g. an already parsed JSON array: such input fails the iteration instead.
 */
async function* bytesOnly(input: AsyncIterable<unknown>): AsyncGenerator<string | Uint8Array> {
  for await (const chunk of input) {
    if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) throw new Error('expected JSON lines or CSV text, not a parsed value');
    yield chunk;
  }
}

/** `label`, else `value`, else `ground_truth`, else the object without its id and source. */
export function fromObject(value: unknown): FeedbackLine {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { invalid: 'not a JSON object' };
  const { prediction_id: id, source, ...rest } = value as Record<string, unknown>;
  if (typeof id !== 'string' || id === '') return { invalid: 'no prediction_id' };
  const label = 'label' in rest ? rest.label : 'value' in rest ? rest.value : 'ground_truth' in rest ? rest.ground_truth : rest;
  return { predictionId: id, label, source: typeof source === 'string' ? source : null };
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

function csvValue(cell: string): unknown {
  if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(cell)) return Number(cell);
  if (cell === 'true' || cell === 'false') return cell === 'true';
  return cell;
}

function splitCsv(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') cells.push(cell), (cell = '');
    else cell += c;
  }
  cells.push(cell);
  return cells;
}
