import { describe, expect, it } from 'vitest';
import { experimentsGrammar } from './grammar.js';
import { parseOrderBy } from './order-by.js';

describe('parseOrderBy', () => {
  it.each([
    ['metrics.`Mean Square Error`', { entity: 'metric', key: 'Mean Square Error', ascending: true }],
    ['metrics.`Mean Square Error` ASC', { entity: 'metric', key: 'Mean Square Error', ascending: true }],
    ['metrics.`Mean Square Error` DESC', { entity: 'metric', key: 'Mean Square Error', ascending: false }],
    ['metrics."key1"  desc', { entity: 'metric', key: 'key1', ascending: false }],
    ['params.my_param aSc', { entity: 'param', key: 'my_param', ascending: true }],
    ['params.`my_param` DESC', { entity: 'param', key: 'my_param', ascending: false }],
    ['tags.tag1    DESC', { entity: 'tag', key: 'tag1', ascending: false }],
    ['attributes.start_time ASC', { entity: 'attribute', key: 'start_time', ascending: true }],
    ['attributes.status', { entity: 'attribute', key: 'status', ascending: true }],
    ['created desc', { entity: 'attribute', key: 'start_time', ascending: false }],
    ['run_name', { entity: 'attribute', key: 'run_name', ascending: true }],
    [' params.my_param ', { entity: 'param', key: 'my_param', ascending: true }],
  ])('%s', (clause, expected) => {
    expect(parseOrderBy([clause])).toEqual([expected]);
  });

  it('keeps the clauses in order', () => {
    expect(parseOrderBy(['params.my_param', 'attributes.status DESC'])).toEqual([
      { entity: 'param', key: 'my_param', ascending: true },
      { entity: 'attribute', key: 'status', ascending: false },
    ]);
  });

  it.each([
    ['m.acc', "Invalid order_by clause 'm.acc' at position 1: unknown entity type 'm'"],
    ['acc', "at position 1: 'acc' is not a searchable attribute of runs"],
    ['attri.x', "unknown entity type 'attri'"],
    ['`metrics.A', 'at position 1: unterminated backtick-quoted name'],
    ['`metrics.A`', "'metrics.A' is not a searchable attribute"],
    ['attribute.start', "at position 11: 'start' is not a searchable attribute"],
    ['attribute.experiment_id', 'choose experiments with the experiment ids'],
    ['metrics.A != 1', "at position 11: expected ASC, DESC or the end of the clause after 'metrics.A', got '!='"],
    ['attribute.run_id ACS', "at position 18: expected ASC, DESC or the end of the clause after 'attribute.run_id', got 'ACS'"],
    ['attribute.run_id decs', "got 'decs'"],
    ['metrics.a DESC DESC', "at position 16: expected the end of the clause after 'DESC', got 'DESC'"],
    ["dataset.name", 'at position 1: runs cannot be ordered by dataset fields'],
    ['', 'at position 1: expected an identifier'],
  ])('rejects %j', (clause, message) => {
    expect(() => parseOrderBy([clause])).toThrow(message);
  });

  it('rejects a key named twice', () => {
    expect(() => parseOrderBy(['metrics.a', 'metrics.`a` DESC'])).toThrow("order_by names 'metrics.`a`' twice");
  });

  it('uses the experiment grammar for experiments', () => {
    expect(parseOrderBy(['name', 'experiment_id DESC', 'last_update_time'], experimentsGrammar)).toEqual([
      { entity: 'attribute', key: 'name', ascending: true },
      { entity: 'attribute', key: 'experiment_id', ascending: false },
      { entity: 'attribute', key: 'last_update_time', ascending: true },
    ]);
    expect(() => parseOrderBy(['status'], experimentsGrammar)).toThrow("'status' is not a searchable attribute of experiments");
  });
});
