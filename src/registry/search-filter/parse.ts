import { invalidArgument } from '../../errors.js';
import { runsGrammar, type FilterGrammar, type ValueKind } from './grammar.js';
import { readIdentifier, type Identifier } from './identifier.js';
import { filterLimits } from './limits.js';
import { showToken, TokenStream } from './token-stream.js';
import type { Comparator, Comparison } from './types.js';

/**
 * Parses an MLflow search filter (`metrics.acc > 0.8 and params.model = 'xgb'`) into its
 * comparisons, checking names, comparators and value types against the grammar of what is
 * searched (runs by default). Throws INVALID_ARGUMENT naming the 1-based position at fault.
 *
 * @example
 * parseFilter("metrics.acc > 0.8 and tags.`team name` = 'core'")
 * // [{ entity: 'metric', key: 'acc', comparator: '>', value: 0.8, position: 1 },
 * //  { entity: 'tag', key: 'team name', comparator: '=', value: 'core', position: 23 }]
 */
export function parseFilter(filter: string, grammar: FilterGrammar = runsGrammar): Comparison[] {
  if (filter.trim() === '') return [];
  if (filter.length > filterLimits.length) {
    throw invalidArgument(`Invalid filter: it has ${filter.length} characters, more than the ${filterLimits.length} a search takes`);
  }
  const stream = new TokenStream(filter, 'Invalid filter');
  const comparisons: Comparison[] = [];
  let listValues = 0;
  for (;;) {
    const start = stream.peek().position;
    const comparison = readComparison(stream, grammar);
    comparisons.push(comparison);
    if (comparisons.length > filterLimits.terms) {
      throw stream.error(comparison.position, `more than ${filterLimits.terms} comparisons joined by AND: narrow the filter or search in parts`);
    }
    if (Array.isArray(comparison.value)) listValues += comparison.value.length;
    if (listValues > filterLimits.listValues) {
      throw stream.error(comparison.position, `more than ${filterLimits.listValues} values in IN lists: search in batches`);
    }
    const token = stream.next();
    if (token.kind === 'end') return comparisons;
    if (stream.isKeyword(token, 'AND')) continue;
    if (stream.isKeyword(token, 'OR')) {
      throw stream.error(token.position, 'OR is not supported: MLflow filters join comparisons with AND only (run one search per alternative)');
    }
    if (token.kind === ';') throw stream.error(token.position, "a filter is a single expression: join comparisons with AND, not ';'");
    const previous = filter.slice(start - 1, token.position - 1).trim();
    throw stream.expected('AND or the end of the filter', token, previous);
  }
}

function readComparison(stream: TokenStream, grammar: FilterGrammar): Comparison {
  const id = readIdentifier(stream, grammar);
  const at = stream.peek();
  const comparator = readComparator(stream, id);
  const allowed = id.attribute?.comparators ?? id.spec!.comparators;
  if (allowed.length === 0) throw stream.error(id.position, `'${id.text}' can order ${grammar.subject} but not filter them`);
  if (!allowed.includes(comparator)) {
    throw stream.error(at.position, `${comparator} cannot be used on '${id.text}'; expected one of ${allowed.join(', ')}`);
  }
  const kind = id.attribute?.kind ?? id.spec!.kind;
  const value = readValue(stream, id, comparator, kind);
  return { entity: id.entity, key: id.key, comparator, value, position: id.position };
}

function readComparator(stream: TokenStream, id: Identifier): Comparator {
  const token = stream.next();
  if (token.kind === 'operator') return token.text as Comparator;
  if (stream.isKeyword(token, 'LIKE', 'ILIKE', 'IN')) return token.text.toUpperCase() as Comparator;
  if (stream.isKeyword(token, 'NOT')) {
    const next = stream.next();
    if (stream.isKeyword(next, 'IN')) return 'NOT IN';
    throw stream.expected('IN (NOT only negates IN)', next, `${id.text} ${token.text}`);
  }
  if (stream.isKeyword(token, 'IS')) {
    const not = stream.isKeyword(stream.peek(), 'NOT') ? stream.next() : undefined;
    const next = stream.next();
    if (stream.isKeyword(next, 'NULL')) return not ? 'IS NOT NULL' : 'IS NULL';
    throw stream.expected('NULL', next, not ? 'IS NOT' : 'IS');
  }
  throw stream.expected('a comparator', token, id.text);
}

function readValue(stream: TokenStream, id: Identifier, comparator: Comparator, kind: ValueKind): Comparison['value'] {
  if (comparator === 'IS NULL' || comparator === 'IS NOT NULL') return null;
  if (comparator === 'IN' || comparator === 'NOT IN') return readList(stream, id, comparator);
  const token = stream.next();
  if (kind === 'string') {
    if (token.kind === 'string') return token.value;
    const hint = token.kind === 'number' || token.kind === 'word' || token.kind === 'backtick' ? ` (quote it: '${token.value}')` : '';
    throw stream.error(token.position, `expected a quoted string for '${id.text}', got ${showToken(token)}${hint}`);
  }
  if (token.kind !== 'number') {
    const what = token.kind === 'string' ? `the string ${token.text}` : showToken(token);
    const subject = id.entity === 'metric' ? 'metrics compare to numbers only' : `'${id.text}' compares to numbers only`;
    throw stream.error(token.position, `expected a number for '${id.text}', got ${what} (${subject})`);
  }
  const value = Number(token.text);
  if (kind === 'integer' && !Number.isSafeInteger(value)) {
    throw stream.error(token.position, `expected an integer (epoch milliseconds) for '${id.text}', got '${token.text}'`);
  }
  return value;
}

function readList(stream: TokenStream, id: Identifier, comparator: Comparator): string[] {
  const open = stream.next();
  if (open.kind !== '(') throw stream.expected("a parenthesised list such as ('a', 'b')", open, `${id.text} ${comparator}`);
  const values: string[] = [];
  if (stream.peek().kind === ')') throw stream.error(stream.peek().position, `the list of ${comparator} is empty`);
  for (;;) {
    const item = stream.next();
    if (item.kind !== 'string') throw stream.expected('a quoted string in the list', item);
    values.push(item.value);
    const separator = stream.next();
    if (separator.kind === ')') return values;
    if (separator.kind !== ',') throw stream.expected("',' or ')'", separator);
  }
}
