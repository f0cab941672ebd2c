import { invalidArgument } from '../../errors.js';
import { runsGrammar, type FilterGrammar } from './grammar.js';
import { readIdentifier } from './identifier.js';
import { filterLimits } from './limits.js';
import { TokenStream } from './token-stream.js';
import type { OrderBy } from './types.js';

/**
 * Parses MLflow order_by clauses: `metrics.\`a b\` DESC`, `attributes.start_time ASC`,
 * `params.lr` (ascending by default). A key may appear once.
 *
 * @example
 * parseOrderBy(['metrics.acc DESC', 'start_time'])
 * // [{ entity: 'metric', key: 'acc', ascending: false },
 * //  { entity: 'attribute', key: 'start_time', ascending: true }]
 */
export function parseOrderBy(clauses: readonly string[], grammar: FilterGrammar = runsGrammar): OrderBy[] {
  if (clauses.length > filterLimits.orderBy) throw invalidArgument(`order_by takes at most ${filterLimits.orderBy} clauses, got ${clauses.length}`);
  const seen = new Set<string>();
  return clauses.map((clause) => {
    const stream = new TokenStream(clause, `Invalid order_by clause '${clause}'`);
    const id = readIdentifier(stream, grammar);
    if (id.entity === 'dataset') throw stream.error(id.position, `${grammar.subject} cannot be ordered by dataset fields`);
    if (id.attribute && !id.attribute.orderable) throw stream.error(id.position, `${grammar.subject} cannot be ordered by '${id.text}'`);
    let ascending = true;
    const direction = stream.next();
    if (stream.isKeyword(direction, 'ASC', 'DESC')) {
      ascending = direction.text.toUpperCase() === 'ASC';
      const end = stream.next();
      if (end.kind !== 'end') throw stream.expected('the end of the clause', end, direction.text);
    } else if (direction.kind !== 'end') {
      throw stream.expected('ASC, DESC or the end of the clause', direction, id.text);
    }
    const identity = `${id.entity}\u0000${id.key}`;
    if (seen.has(identity)) throw invalidArgument(`order_by names '${id.text}' twice`, { input: clause });
    seen.add(identity);
    return { entity: id.entity, key: id.key, ascending };
  });
}
