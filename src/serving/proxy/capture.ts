/** A body as logged: at most `cap` bytes, with redacted fields replaced. */
export interface CapturedBody {
  text: string | null;
  truncated: boolean;
}

import type { Redactor } from './redactor.js';

export { redacted } from './redactor.js';

/** Collects chunks up to `cap` bytes while the full body streams on elsewhere. */
export class BodyCapture {
  private chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly cap: number) {}

  add(chunk: Buffer): void {
    if (this.size >= this.cap) {
      if (chunk.length > 0) this.truncated = true;
      return;
    }
    const room = this.cap - this.size;
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    if (part.length < chunk.length) this.truncated = true;
    this.chunks.push(part);
    this.size += part.length;
  }

  result(redactor: Redactor): CapturedBody {
    if (this.size === 0) return { text: null, truncated: this.truncated };
    return { text: redactor.text(Buffer.concat(this.chunks, this.size).toString('utf8')), truncated: this.truncated };
  }
}

/** A whole body (bytes or text) as logged text, cut at the cap; text within the cap is kept as it is. */
export function captureWhole(body: Buffer | string, cap: number, redactor: Redactor): CapturedBody {
  if (typeof body === 'string') {
    if (body.length === 0) return { text: null, truncated: false };
    // A string of n UTF-16 units is at most 3n UTF-8 bytes: most need no counting at all.
    if (body.length * 3 <= cap || Buffer.byteLength(body) <= cap) return { text: redactor.text(body), truncated: false };
    body = Buffer.from(body);
  }
  const capture = new BodyCapture(cap);
  capture.add(body);
  return capture.result(redactor);
}
