import { tooLarge } from '../../errors.js';

/** A line of an NDJSON body that is not JSON: reported for its record, never fatal to the batch. */
export class UnparsedLine {
  constructor(readonly message: string) {}
}

/**
 * The values of an NDJSON (JSON lines) stream, one per non-blank line, read as it arrives; a
 * stream longer than `maxBytes` stops with TOO_LARGE (the records before it are not taken: the
 * caller has not written any yet, see PredictionIngest).
 */
export async function* ndjsonValues(input: AsyncIterable<Uint8Array | string>, maxBytes: number): AsyncGenerator<unknown> {
  let rest = '';
  let bytes = 0;
  const decoder = new TextDecoder();
  for await (const chunk of input) {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    if (bytes > maxBytes) throw tooLarge(`a prediction batch is limited to ${maxBytes} bytes: send fewer records per request`, { maxBytes });
    rest += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let newline = rest.indexOf('\n');
    while (newline >= 0) {
      const line = rest.slice(0, newline);
      rest = rest.slice(newline + 1);
      if (line.trim() !== '') yield parseLine(line);
      newline = rest.indexOf('\n');
    }
  }
  rest += decoder.decode();
  if (rest.trim() !== '') yield parseLine(rest);
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch (error) {
    return new UnparsedLine(`not JSON: ${(error as Error).message}`);
  }
}
