import { SecretMasker } from '../../capture/secret-mask.js';
import { isSecretName } from '../../capture/secret-names.js';

export const redacted = '[REDACTED]';

/** How deep JSON kept inside string fields is opened (`{"payload": "{\"password\": …}"}`). */
const maxNestedJson = 3;
/** String fields longer than this are not parsed as JSON (bounded work per body). */
const maxNestedJsonLength = 256 * 1024;

// A key and its value in JSON text that did not parse (a body cut at the cap), plain or escaped
// inside a string: `"Password": "x"`, `\"api_key\":\"y\"`.
const keyInText = /(\\*")([^"\\]{1,128})\\*"\s*:\s*/g;
const valueInText = /\\*"(?:[^"\\]|\\+[^"\\])*(?:\\*")?|[^,}\]\s]*/y;
// A query string or form body: `a=1&Password=x`.
const queryPair = /(^|[?&;])([^=&;#]{1,128})=([^&;#]*)/g;

/**
 * What the proxy's `--redact` removes from the prediction log: the values of the named keys, matched
 * case-insensitively (Password, API_KEY), and of any secret-named key (see secret-names.ts), at any
 * depth of a JSON body, inside string fields that hold JSON, in query strings and form bodies; and
 * secrets recognised by their shape (tokens, keys, URL credentials) anywhere in the text.
 * Without `--redact` nothing is changed, and the hot path pays nothing.
 */
export class Redactor {
  readonly active: boolean;
  private readonly fields: ReadonlySet<string>;
  private readonly masker: SecretMasker | undefined;

  constructor(fields: readonly string[]) {
    this.fields = new Set(fields.map((field) => field.toLowerCase()));
    this.active = this.fields.size > 0;
    this.masker = this.active ? new SecretMasker([]) : undefined;
  }

  isRedacted(key: string): boolean {
    return this.fields.has(key.toLowerCase()) || isSecretName(key);
  }

  /** A body as logged: JSON is parsed and rewritten; other text is redacted by pattern. */
  text(text: string): string {
    if (!this.active) return text;
    try {
      return JSON.stringify(this.value(JSON.parse(text), 0));
    } catch {
      return this.masker!.mask(this.query(this.keyValues(text)));
    }
  }

  /** A request path as logged, with redacted query parameters' values replaced. */
  path(path: string): string {
    if (!this.active) return path;
    const q = path.indexOf('?');
    return q < 0 ? path : path.slice(0, q) + this.masker!.mask(this.query(path.slice(q)));
  }

  /** Redacted keys' values in JSON text that does not parse; other keys' values are still scanned. */
  private keyValues(text: string): string {
    let out = '';
    let pos = 0;
    keyInText.lastIndex = 0;
    for (let m = keyInText.exec(text); m !== null; m = keyInText.exec(text)) {
      if (!this.isRedacted(m[2]!)) continue;
      const valueStart = m.index + m[0].length;
      valueInText.lastIndex = valueStart;
      const value = valueInText.exec(text)![0];
      out += text.slice(pos, valueStart) + m[1] + redacted + m[1];
      pos = valueStart + value.length;
      keyInText.lastIndex = pos;
    }
    return out + text.slice(pos);
  }

  private query(text: string): string {
    return text.replace(queryPair, (whole, sep: string, key: string) => (this.isRedacted(safeDecode(key)) ? `${sep}${key}=${redacted}` : whole));
  }

  private value(value: unknown, nesting: number): unknown {
    if (typeof value === 'string') return this.string(value, nesting);
    if (Array.isArray(value)) return value.map((v) => this.value(v, nesting));
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = this.isRedacted(k) ? redacted : this.value(v, nesting);
    return out;
  }

  /** A string field: JSON inside it is opened and redacted too (bounded), other text masked by shape. */
  private string(text: string, nesting: number): string {
    const trimmed = text.trim();
    if (nesting < maxNestedJson && text.length <= maxNestedJsonLength && /^[{[]/.test(trimmed) && /[}\]]$/.test(trimmed)) {
      try {
        return JSON.stringify(this.value(JSON.parse(trimmed), nesting + 1));
      } catch {
        // not JSON after all: masked as text below
      }
    }
    return this.masker!.mask(this.query(text));
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
