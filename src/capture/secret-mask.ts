import { StringDecoder } from 'node:string_decoder';
import { Transform, type TransformCallback } from 'node:stream';
import { redactUrl, urlSource, urlMaxLength } from './redact.js';
import { isSecretName } from './secret-names.js';
import { configuredShapes, secretShapes } from './secret-patterns.js';

/** What a masked secret becomes in logs and command lines, as CI systems show it. */
export const mask = '***';

// Values a secret-named variable often holds that are not secrets and would mask noise everywhere.
const harmless = /^(?:true|false|yes|no|on|off|none|null|[0-9.]+)$/i;

/** Values of secret-named variables (DB_PASS, GITHUB_PAT, SLACK_WEBHOOK…), longest first. */
export function secretValues(env: NodeJS.ProcessEnv): string[] {
  const values = Object.entries(env)
    .filter(([name, value]) => typeof value === 'string' && value.length >= 4 && !harmless.test(value) && isSecretName(name, env))
    .map(([, value]) => value as string);
  return [...new Set(values)].sort((a, b) => b.length - a.length);
}

function escape(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/**
 * Finds secrets in text with one regex built once: the literal values of secret-named variables,
 * the well-known token shapes, and URLs (whose user-info and secret query values are removed).
 * Every alternative has a bounded length and starts at a token boundary, so a text is scanned in
 * linear time; `maxMatch` is what a stream must keep between chunks to mask the same way whatever
 * the chunking.
 */
export class SecretMasker {
  readonly maxMatch: number;
  private readonly all: RegExp;
  private readonly inner: RegExp | null;

  constructor(values: readonly string[], env: NodeJS.ProcessEnv = process.env) {
    const shapes = [...secretShapes, ...configuredShapes(env)];
    const literalAlternatives = [...values].sort((a, b) => b.length - a.length).map(escape);
    const secretSources = [...literalAlternatives, ...shapes.map((shape) => shape.source)];
    this.inner = secretSources.length > 0 ? new RegExp(secretSources.join('|'), 'g') : null;
    // Group 1: a literal or a shape (masked whole); otherwise a URL (cleaned, then masked inside).
    this.all = new RegExp(`(${secretSources.join('|')})|${urlSource}`, 'g');
    this.maxMatch = Math.max(urlMaxLength, ...values.map((v) => v.length), ...shapes.map((shape) => shape.maxLength));
  }

  /** A masker for what this environment holds (its secret-named variables' values). */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): SecretMasker {
    return new SecretMasker(secretValues(env), env);
  }

  mask(text: string): string {
    return this.maskRange(text, 0, text.length, text.length).text;
  }

  /** True when masking would change the text. */
  finds(text: string): boolean {
    return this.mask(text) !== text;
  }

  /**
   * Masks `text` from `from`, replacing matches that start before `limit`; returns the masked text
   * and where it stopped (the end of the last match, or `limit`). Matches starting at `limit` or
   * later are left for the caller to scan again with more text after them.
   */
  maskRange(text: string, from: number, limit: number, stopAt: number): { text: string; end: number } {
    const re = this.all;
    re.lastIndex = from;
    let out = '';
    let pos = from;
    for (let m = re.exec(text); m !== null && m.index < limit; m = re.exec(text)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      out += text.slice(pos, m.index) + (m[1] !== undefined ? mask : this.maskInner(redactUrl(m[0])));
      pos = m.index + m[0].length;
    }
    const end = Math.max(pos, Math.min(limit, stopAt));
    return { text: out + text.slice(pos, end), end };
  }

  private maskInner(text: string): string {
    return this.inner ? text.replace(this.inner, mask) : text;
  }

  /** A Transform that masks a byte stream (UTF-8), independent of where its chunks are cut. */
  stream(): Transform {
    return new SecretMaskingStream(this);
  }
}

/**
 * Masks a byte stream, keeping the last `maxMatch` characters back between chunks: a match that
 * starts before that tail lies wholly inside the text seen, so the output is the same as masking
 * the whole stream at once. Memory stays bounded by the chunk size plus that tail.
 */
export class SecretMaskingStream extends Transform {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  /** The last character already emitted: the look-behinds of the patterns need it. */
  private before = '';

  constructor(private readonly masker: SecretMasker) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const text = this.before + this.pending + this.decoder.write(chunk);
    const from = this.before.length;
    const limit = text.length - this.masker.maxMatch;
    // Wait for at least one tail's worth of new text: each scan then emits as much as it re-reads,
    // so that a child writing many small chunks costs linear time too.
    if (limit - from < this.masker.maxMatch) {
      this.pending = text.slice(from);
      return callback();
    }
    let { text: out, end } = this.masker.maskRange(text, from, limit, limit);
    // Never split a surrogate pair between two writes.
    if (end < text.length && end > from && isHighSurrogate(text.charCodeAt(end - 1)) && out.length > 0 && isHighSurrogate(out.charCodeAt(out.length - 1))) {
      end--;
      out = out.slice(0, -1);
    }
    this.pending = text.slice(end);
    this.before = text.slice(end - 1, end);
    callback(null, out);
  }

  override _flush(callback: TransformCallback): void {
    const text = this.before + this.pending + this.decoder.end();
    const from = this.before.length;
    const out = this.masker.maskRange(text, from, text.length, text.length).text;
    callback(null, out.length > 0 ? out : undefined);
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Masks one text with what `env` holds (observer checks, error messages). */
export function maskSecrets(text: string, env: NodeJS.ProcessEnv = process.env): string {
  return SecretMasker.fromEnv(env).mask(text);
}
