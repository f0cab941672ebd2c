import type { ServingIdentity } from './identity.js';

const traceKeys = ['prediction_id', 'model_version', 'run_id', 'git_sha'];
const quotedTraceKeys = traceKeys.map((key) => `"${key}"`);
// JSON responses larger than this are passed through as they are, not rewritten.
const maxInjectBytes = 8 * 1024 * 1024;

/**
 * What a traced response carries, the same from the proxy and the in-process middlewares: the
 * `x-threadline-*` headers, and the trace fields inside JSON object bodies.
 */
export class TraceFields {
  /** `x-threadline-run-id` / `-git-sha` pairs, the same on every response. */
  readonly stamp: readonly string[];
  /** `"model_version":…,"run_id":…,"git_sha":…}`: what injection appends after the id. */
  private readonly tail: string;

  constructor(private readonly identity: ServingIdentity) {
    const { runId, gitSha, modelVersion } = identity;
    this.stamp = [...(runId ? ['x-threadline-run-id', runId] : []), ...(gitSha ? ['x-threadline-git-sha', gitSha] : [])];
    this.tail = `,"model_version":${JSON.stringify(modelVersion)},"run_id":${JSON.stringify(runId)},"git_sha":${JSON.stringify(gitSha)}}`;
  }

  /**
   * The body with the trace fields added when it is a JSON object; otherwise the same buffer.
   * The fields are spliced in before the closing brace rather than re-serialising the object
   * (the server's bytes stay as they were); only a body that already has one of the keys is
   * rebuilt, so that the traced values win.
   */
  inject(body: Buffer, id: string): Buffer {
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {
      return body;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return body;
    const object = value as Record<string, unknown>;
    if (traceKeys.some((key) => Object.hasOwn(object, key))) {
      const { modelVersion, runId, gitSha } = this.identity;
      return Buffer.from(JSON.stringify({ ...object, prediction_id: id, model_version: modelVersion, run_id: runId, git_sha: gitSha }));
    }
    let empty = true;
    for (const _ in object) {
      empty = false;
      break;
    }
    const close = body.lastIndexOf(0x7d); // '}'; only whitespace may follow it in valid JSON
    const insert = `${empty ? '' : ','}"prediction_id":"${id}"${this.tail}`;
    const out = Buffer.allocUnsafe(close + Buffer.byteLength(insert));
    body.copy(out, 0, 0, close);
    out.write(insert, close, 'utf8');
    return out;
  }

  /**
   * A JSON text the server itself serialised (the Fastify plugin's payload) with the trace
   * fields added when it is an object; otherwise the same text. The text is known to be JSON, so
   * it is not parsed: an object is one that starts with `{` and ends with `}`, and only one that
   * may already hold a trace key is parsed and rebuilt.
   */
  injectText(text: string, id: string): string {
    const close = text.lastIndexOf('}');
    let open = 0;
    while (open < text.length && isSpace(text.charCodeAt(open))) open++;
    if (close < 0 || text.charCodeAt(open) !== 0x7b || text.slice(close + 1).trim() !== '') return text;
    if (quotedTraceKeys.some((key) => text.includes(key))) return this.inject(Buffer.from(text), id).toString('utf8');
    let next = open + 1;
    while (next < close && isSpace(text.charCodeAt(next))) next++;
    return `${text.slice(0, close)}${next === close ? '' : ','}"prediction_id":"${id}"${this.tail}`;
  }
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/** A response whose body is rewritten: JSON, not encoded, of a known length within the limit. */
export function injectableResponse(contentType: string | undefined, contentLength: string | number | undefined, contentEncoding: string | undefined): boolean {
  return contentLength !== undefined && Number(contentLength) <= maxInjectBytes && (!contentEncoding || contentEncoding === 'identity') && contentType !== undefined && /\bjson\b/i.test(contentType);
}
