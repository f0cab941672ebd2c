import type { AttributeSpec, EntitySpec, FilterGrammar } from './grammar.js';
import { showToken, type TokenStream } from './token-stream.js';
import type { Token } from './tokenize.js';
import type { Entity } from './types.js';

export interface Identifier {
  entity: Entity;
  key: string;
  /** The identifier as written, for messages. */
  text: string;
  position: number;
  /** Set for attributes. */
  attribute?: AttributeSpec;
  /** Set for the other entities. */
  spec?: EntitySpec;
}

const keywords = ['AND', 'OR', 'NOT', 'IN', 'LIKE', 'ILIKE', 'IS', 'NULL', 'ASC', 'DESC'];

/**
 * Reads `prefix.key`, `prefix.\`quoted key\``, `prefix."quoted key"`, `prefix.dotted.key` or a
 * bare attribute name, and resolves it against the grammar (aliases included).
 */
export function readIdentifier(stream: TokenStream, grammar: FilterGrammar): Identifier {
  const first = stream.peek();
  if (!isSegment(first, stream)) {
    const hint = first.kind === '(' ? ' (parentheses only enclose the list of IN / NOT IN)' : '';
    throw stream.error(first.position, `expected an identifier such as metrics.acc or params.lr, got ${showToken(first)}${hint}`);
  }
  const segments: Token[] = [stream.next()];
  while (stream.peek().kind === '.') {
    const dot = stream.next();
    const segment = stream.peek();
    if (!isSegment(segment, stream, true)) throw stream.expected('a name', segment, `${segments.map((s) => s.text).join('.')}${dot.text}`);
    segments.push(stream.next());
  }
  const text = stream.source.slice(first.position - 1, segments.at(-1)!.position - 1 + segments.at(-1)!.text.length);
  if (segments.length === 1) return attribute(stream, grammar, first.value, text, first.position);

  const [prefixToken, ...keyTokens] = segments as [Token, ...Token[]];
  if (prefixToken.kind === 'string') {
    throw stream.error(prefixToken.position, `an entity type cannot be a quoted string; write ${prefixToken.value}.<key>`);
  }
  const entity = grammar.prefixes[prefixToken.value];
  if (entity === undefined) {
    const valid = Object.keys(grammar.prefixes).join(', ');
    throw stream.error(prefixToken.position, `unknown entity type '${prefixToken.value}' for ${grammar.subject}; expected one of ${valid}`);
  }
  const quoted = keyTokens.find((t) => t.kind !== 'word' && t.kind !== 'number');
  if (quoted && keyTokens.length > 1) {
    throw stream.error(quoted.position, `quote the whole key, dots included: ${prefixToken.text}.\`${keyTokens.map((t) => t.value).join('.')}\``);
  }
  const key = keyTokens.map((t) => t.value).join('.');
  const keyPosition = keyTokens[0]!.position;
  if (entity === 'attribute') return attribute(stream, grammar, key, text, keyPosition, first.position);
  const spec = grammar.entities[entity];
  if (spec === undefined) throw stream.error(prefixToken.position, `${grammar.subject} have no ${entity}s to search`);
  if (spec.keys && !spec.keys.includes(key)) {
    throw stream.error(keyPosition, `unknown ${entity} key '${key}'; expected one of ${spec.keys.join(', ')}`);
  }
  if (key === '') throw stream.error(keyPosition, `the ${entity} name is empty`);
  return { entity, key, text, position: first.position, spec };
}

function attribute(stream: TokenStream, grammar: FilterGrammar, name: string, text: string, at: number, start = at): Identifier {
  const spec = Object.hasOwn(grammar.attributes, name) ? grammar.attributes[name] : undefined;
  if (spec === undefined) {
    const hint = grammar.attributeHints?.[name];
    const valid = [...new Set(Object.values(grammar.attributes).map((a) => a.key))].join(', ');
    const reason = hint ? `: ${hint}` : `; expected one of ${valid} (or a prefix such as metrics., params., tags.)`;
    throw stream.error(at, `'${name}' is not a searchable attribute of ${grammar.subject}${reason}`);
  }
  return { entity: 'attribute', key: spec.key, text, position: start, attribute: spec };
}

function isSegment(token: Token, stream: TokenStream, afterDot = false): boolean {
  if (token.kind === 'backtick') return true;
  if (token.kind === 'string') return token.quote === '"';
  if (token.kind === 'number') return afterDot;
  return token.kind === 'word' && (afterDot || !stream.isKeyword(token, ...keywords));
}
