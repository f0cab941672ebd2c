/** A body as logged: at most `cap` bytes, with redacted fields replaced. */
export interface CapturedBody {
  text: string | null;
  truncated: boolean;
}

export const redacted = '[REDACTED]';

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

  result(redact: ReadonlySet<string>): CapturedBody {
    if (this.size === 0) return { text: null, truncated: this.truncated };
    return { text: redactText(Buffer.concat(this.chunks, this.size).toString('utf8'), redact), truncated: this.truncated };
  }
}

/** Body bytes as logged text, cut at the cap. */
export function captureBuffer(body: Buffer, cap: number, redact: ReadonlySet<string>): CapturedBody {
  const capture = new BodyCapture(cap);
  capture.add(body);
  return capture.result(redact);
}

/**
 * Replaces the values of the named keys, at any depth, by "[REDACTED]". JSON is parsed and
 * rewritten; text that does not parse (a body cut at the cap, form data) is redacted by pattern.
 */
export function redactText(text: string, fields: ReadonlySet<string>): string {
  if (fields.size === 0) return text;
  try {
    return JSON.stringify(redactValue(JSON.parse(text), fields));
  } catch {
    let out = text;
    for (const field of fields) {
      const key = field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      out = out.replace(new RegExp(`("${key}"\\s*:\\s*)("(?:[^"\\\\]|\\\\.)*"?|[^,}\\]]*)`, 'g'), `$1"${redacted}"`);
      out = out.replace(new RegExp(`(^|[?&])(${key}=)[^&]*`, 'g'), `$1$2${redacted}`);
    }
    return out;
  }
}

function redactValue(value: unknown, fields: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => redactValue(v, fields));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = fields.has(k) ? redacted : redactValue(v, fields);
  return out;
}
