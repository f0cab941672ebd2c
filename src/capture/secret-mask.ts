import { Transform, type TransformCallback } from 'node:stream';
import { isSecretName, redactUrlsIn } from './redact.js';

/** Values of secret-named variables (API_TOKEN, DB_PASSWORD…), longest first; short ones would mask noise. */
export function secretValues(env: NodeJS.ProcessEnv): string[] {
  const values = Object.entries(env)
    .filter(([name, value]) => isSecretName(name) && typeof value === 'string' && value.length >= 4)
    .map(([, value]) => value as string);
  return [...new Set(values)].sort((a, b) => b.length - a.length);
}

/** Replaces every secret value with *** and strips credentials from URLs, as CI systems mask logs. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = redactUrlsIn(text);
  for (const secret of secrets) out = out.split(secret).join('***');
  return out;
}

/**
 * Masks a byte stream line by line, so that a secret split across two chunks is still caught.
 * Used on the copy of the child's output that Threadline stores, not on the terminal.
 */
export class SecretMaskingStream extends Transform {
  private pending = '';

  constructor(private readonly secrets: readonly string[]) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const text = this.pending + chunk.toString('utf8');
    const lastNewline = text.lastIndexOf('\n');
    // A very long line without a newline is flushed anyway, to bound memory.
    if (lastNewline === -1 && text.length < 1 << 20) {
      this.pending = text;
      return callback();
    }
    const cut = lastNewline === -1 ? text.length : lastNewline + 1;
    this.pending = text.slice(cut);
    callback(null, maskSecrets(text.slice(0, cut), this.secrets));
  }

  override _flush(callback: TransformCallback): void {
    callback(null, this.pending ? maskSecrets(this.pending, this.secrets) : undefined);
  }
}
