import { tooLarge } from '../../errors.js';

/** A line of an NDJSON body that is not JSON: reported for its record, never fatal to the batch. */
export class UnparsedLine {
  constructor(readonly message: string) {}
}

const newline = 0x0a;

/**
 * The values of an NDJSON (JSON lines) stream, one per non-blank line, read as it arrives and
 * handed over a chunk's worth at a time (one array per chunk read, not one promise per line); a
 * stream longer than `maxBytes` stops with TOO_LARGE (the records before it are not taken: the
 * caller has not written any yet, see PredictionIngest). Lines are cut at the newline byte, which
 * never occurs inside a UTF-8 sequence, and each is decoded once.
 */
export async function* ndjsonChunks(input: AsyncIterable<Uint8Array | string>, maxBytes: number): AsyncGenerator<unknown[]> {
  let rest: Buffer | undefined;
  let bytes = 0;
  let first = true;
  for await (const chunk of input) {
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    bytes += data.length;
    if (bytes > maxBytes) throw tooLarge(`a prediction batch is limited to ${maxBytes} bytes: send fewer records per request`, { maxBytes });
    const buffer = rest ? Buffer.concat([rest, data]) : data;
    const values: unknown[] = [];
    // A byte order mark at the very start is no part of the first line (as TextDecoder drops it).
    let start = first && buffer.length >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0;
    // (Still undecided only while no line has ended and fewer than 3 bytes came.)
    first &&= buffer.length < 3 && !buffer.includes(newline);
    let end = buffer.indexOf(newline, start);
    while (end >= 0) {
      if (end > start) parseLine(buffer.toString('utf8', start, end), values);
      start = end + 1;
      end = buffer.indexOf(newline, start);
    }
    // The unfinished line, copied so that the chunk it came in is not held.
    rest = start < buffer.length ? Buffer.from(buffer.subarray(start)) : undefined;
    if (values.length > 0) yield values;
  }
  if (rest) {
    const values: unknown[] = [];
    parseLine(rest.toString('utf8'), values);
    if (values.length > 0) yield values;
  }
}

function parseLine(line: string, values: unknown[]): void {
  try {
    values.push(JSON.parse(line) as unknown);
  } catch (error) {
    // A blank line (spaces, a \r) is no record.
    if (line.trim() !== '') values.push(new UnparsedLine(`not JSON: ${(error as Error).message}`));
  }
}
