import { invalidArgument, type ThreadlineError } from '../../errors.js';
import { tokenize, TokenizeError, type Token } from './tokenize.js';

/** Tokens of one clause, read front to back, with errors that name the position. */
export class TokenStream {
  private readonly tokens: Token[];
  private index = 0;

  /** `label` starts every message: "Invalid filter", "Invalid order_by clause 'x'". */
  constructor(
    readonly source: string,
    private readonly label: string,
  ) {
    try {
      this.tokens = tokenize(source);
    } catch (error) {
      if (error instanceof TokenizeError) throw this.error(error.position, error.reason);
      throw error;
    }
  }

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)]!;
  }

  next(): Token {
    const token = this.peek();
    if (this.index < this.tokens.length - 1) this.index += 1;
    return token;
  }

  /** A keyword is a bare word, compared without regard to case. */
  isKeyword(token: Token, ...words: string[]): boolean {
    return token.kind === 'word' && words.includes(token.text.toUpperCase());
  }

  error(position: number, reason: string): ThreadlineError {
    return invalidArgument(`${this.label} at position ${position}: ${reason}`, { position, input: this.source });
  }

  /** "expected X, got 'Y'" at Y. */
  expected(what: string, got: Token, after?: string): ThreadlineError {
    const context = after === undefined ? '' : ` after '${after}'`;
    return this.error(got.position, `expected ${what}${context}, got ${showToken(got)}`);
  }
}

export function showToken(token: Token): string {
  return token.kind === 'end' ? 'the end of the input' : `'${token.text}'`;
}
