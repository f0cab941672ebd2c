export type TokenKind =
  | 'word' // bare identifier or keyword: metrics, acc, AND, LIKE…
  | 'string' // 'single' or "double" quoted
  | 'backtick' // `quoted identifier`
  | 'number'
  | 'operator' // = != < <= > >=
  | '.'
  | '('
  | ')'
  | ','
  | ';'
  | 'end';

export interface Token {
  kind: TokenKind;
  /** The source text, quotes included. */
  text: string;
  /** Unquoted, unescaped content for strings and backticks; the text otherwise. */
  value: string;
  /** 1-based character position of the first character. */
  position: number;
  /** Whether a space separates it from the previous token. */
  spaced: boolean;
  /** For 'string': which quote opened it. */
  quote?: "'" | '"';
}

export class TokenizeError extends Error {
  constructor(
    readonly position: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

const wordChar = /[\p{L}\p{N}_]/u;
const numberAt = /-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const operatorAt = /!=|<=|>=|=|<|>/y;
const single = new Set(['.', '(', ')', ',', ';']);

/**
 * Splits a filter or order_by clause into tokens, each with its position. Strings take `\'`,
 * `\"`, `\\` and a doubled quote as escapes; any other backslash is kept, so LIKE patterns can
 * still escape `%` and `_` with it. A number glued to letters (`2nd`) is a word: keys may start
 * with digits.
 */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let spaced = false;
  const push = (kind: TokenKind, start: number, end: number, value = source.slice(start, end), quote?: Token['quote']) => {
    tokens.push({ kind, text: source.slice(start, end), value, position: start + 1, spaced, quote });
    spaced = false;
    i = end;
  };
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/.test(ch)) {
      spaced = true;
      i += 1;
      continue;
    }
    if (ch === "'" || ch === '"') {
      const { end, value } = readQuoted(source, i, ch, true);
      push('string', i, end, value, ch);
      continue;
    }
    if (ch === '`') {
      const { end, value } = readQuoted(source, i, ch, false);
      push('backtick', i, end, value);
      continue;
    }
    const previous = tokens.at(-1);
    const gluedToIdentifier = previous !== undefined && !spaced && ['word', 'backtick', 'string'].includes(previous.kind);
    if (ch === '.' && gluedToIdentifier) {
      push('.', i, i + 1);
      continue;
    }
    numberAt.lastIndex = i;
    const number = numberAt.exec(source);
    if (number) {
      let end = i + number[0].length;
      const glued = end < source.length && wordChar.test(source[end]!) && !number[0].startsWith('-');
      if (!glued) {
        push('number', i, end);
        continue;
      }
      while (end < source.length && wordChar.test(source[end]!)) end += 1;
      push('word', i, end);
      continue;
    }
    if (wordChar.test(ch)) {
      let end = i + 1;
      while (end < source.length && wordChar.test(source[end]!)) end += 1;
      push('word', i, end);
      continue;
    }
    operatorAt.lastIndex = i;
    const operator = operatorAt.exec(source);
    if (operator) {
      push('operator', i, i + operator[0].length);
      continue;
    }
    if (single.has(ch)) {
      push(ch as TokenKind, i, i + 1);
      continue;
    }
    throw new TokenizeError(i + 1, `unexpected character '${ch}'`);
  }
  tokens.push({ kind: 'end', text: '', value: '', position: source.length + 1, spaced });
  return tokens;
}

function readQuoted(source: string, start: number, quote: string, escapes: boolean): { end: number; value: string } {
  let value = '';
  let i = start + 1;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === quote) {
      if (source[i + 1] === quote) {
        value += quote;
        i += 2;
        continue;
      }
      return { end: i + 1, value };
    }
    if (escapes && ch === '\\' && i + 1 < source.length) {
      const next = source[i + 1]!;
      value += next === "'" || next === '"' || next === '\\' ? next : ch + next;
      i += 2;
      continue;
    }
    value += ch;
    i += 1;
  }
  const what = quote === '`' ? 'backtick-quoted name' : 'string';
  throw new TokenizeError(start + 1, `unterminated ${what} (missing closing ${quote})`);
}
