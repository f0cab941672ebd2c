import { describe, expect, it } from 'vitest';
import { ThreadlineError } from '../../errors.js';
import { experimentsGrammar } from './grammar.js';
import { parseFilter } from './parse.js';
import type { Comparison } from './types.js';

const terms = (filter: string) => parseFilter(filter).map(({ position: _, ...rest }) => rest);
const one = (entity: Comparison['entity'], key: string, comparator: Comparison['comparator'], value: Comparison['value']) => [
  { entity, key, comparator, value },
];

function failure(filter: string, grammar = undefined as Parameters<typeof parseFilter>[1]): ThreadlineError {
  try {
    parseFilter(filter, grammar);
  } catch (error) {
    expect(error).toBeInstanceOf(ThreadlineError);
    return error as ThreadlineError;
  }
  throw new Error(`expected ${JSON.stringify(filter)} to be rejected`);
}

describe('parseFilter: valid filters (cases in the style of MLflow test_search_utils)', () => {
  it.each<[string, ReturnType<typeof one>]>([
    ['metric.acc >= 0.94', one('metric', 'acc', '>=', 0.94)],
    ['metric.acc>=100', one('metric', 'acc', '>=', 100)],
    ["params.m!='tf'", one('param', 'm', '!=', 'tf')],
    ['params."m"!="tf"', one('param', 'm', '!=', 'tf')],
    ['metric."legit name" >= 0.243', one('metric', 'legit name', '>=', 0.243)],
    ['metrics.XYZ = 3', one('metric', 'XYZ', '=', 3)],
    ['params."cat dog" = "pets"', one('param', 'cat dog', '=', 'pets')],
    ['metrics."X-Y-Z" = 3', one('metric', 'X-Y-Z', '=', 3)],
    ['metrics."X//Y#$$@&Z" = 3', one('metric', 'X//Y#$$@&Z', '=', 3)],
    ["params.model = 'LinearRegression'", one('param', 'model', '=', 'LinearRegression')],
    ['`metric`.a >= 0.1', one('metric', 'a', '>=', 0.1)],
    ["tags.version = 'commit-hash'", one('tag', 'version', '=', 'commit-hash')],
    ["`tags`.source_name = 'a notebook'", one('tag', 'source_name', '=', 'a notebook')],
    ['metrics."accuracy.2.0" > 5', one('metric', 'accuracy.2.0', '>', 5)],
    ['metrics.accuracy.2.0 > 5', one('metric', 'accuracy.2.0', '>', 5)],
    ['metrics.`spacey name` > 5', one('metric', 'spacey name', '>', 5)],
    ['metrics.2nd_pass < 1', one('metric', '2nd_pass', '<', 1)],
    ['params."p.a.r.a.m" != "a"', one('param', 'p.a.r.a.m', '!=', 'a')],
    ['tags."t.a.g" = "a"', one('tag', 't.a.g', '=', 'a')],
    ["tags.`mlflow.runName` = 'x'", one('tag', 'mlflow.runName', '=', 'x')],
    ["attribute.artifact_uri = '1/23/4'", one('attribute', 'artifact_uri', '=', '1/23/4')],
    ['attribute.start_time >= 1234', one('attribute', 'start_time', '>=', 1234)],
    ['attributes.end_time < 1e12', one('attribute', 'end_time', '<', 1e12)],
    ['created > 5', one('attribute', 'start_time', '>', 5)],
    ["run.status = 'RUNNING'", one('attribute', 'status', '=', 'RUNNING')],
    ["attr.user_id = 'me'", one('attribute', 'user_id', '=', 'me')],
    ["status = 'FAILED'", one('attribute', 'status', '=', 'FAILED')],
    ["run_name LIKE 'base%'", one('attribute', 'run_name', 'LIKE', 'base%')],
    ["attributes.`Run Name` = 'x'", one('attribute', 'run_name', '=', 'x')],
    ["dataset.name = 'my_dataset'", one('dataset', 'name', '=', 'my_dataset')],
    ["datasets.digest IN ('a', 'b')", one('dataset', 'digest', 'IN', ['a', 'b'])],
    ["attributes.run_id IN ('a1', 'b2')", one('attribute', 'run_id', 'IN', ['a1', 'b2'])],
    ["attributes.run_id not in ('a1')", one('attribute', 'run_id', 'NOT IN', ['a1'])],
    ["tags.team IN ('core', \"ml\",'x y')", one('tag', 'team', 'IN', ['core', 'ml', 'x y'])],
    ["params.model ILIKE '%XGB%'", one('param', 'model', 'ILIKE', '%XGB%')],
    ["params.model like 'x_b'", one('param', 'model', 'LIKE', 'x_b')],
    ['tags.version IS NULL', one('tag', 'version', 'IS NULL', null)],
    ['tags.version is not null', one('tag', 'version', 'IS NOT NULL', null)],
    ['params.lr IS NOT NULL', one('param', 'lr', 'IS NOT NULL', null)],
    ['metrics.loss < -1.5e-3', one('metric', 'loss', '<', -0.0015)],
    ['metrics.loss > -.5', one('metric', 'loss', '>', -0.5)],
    ['metrics.loss = 2E+3', one('metric', 'loss', '=', 2000)],
    ["params.m = 'L''Hosp'", one('param', 'm', '=', "L'Hosp")],
    ['params.m = "L\'Hosp"', one('param', 'm', '=', "L'Hosp")],
    ["params.m = 'L\\'Hosp'", one('param', 'm', '=', "L'Hosp")],
    ["params.m = 'back\\\\slash'", one('param', 'm', '=', 'back\\slash')],
    ["params.m LIKE '100\\%'", one('param', 'm', 'LIKE', '100\\%')],
    ["params.m = ''", one('param', 'm', '=', '')],
    ["params.m = 'x'' OR 1=1 --'", one('param', 'm', '=', "x' OR 1=1 --")],
    ["params.m = 'ünïcödé ✓'", one('param', 'm', '=', 'ünïcödé ✓')],
  ])('%s', (filter, expected) => {
    expect(terms(filter)).toEqual(expected);
  });

  it('returns nothing for an empty or blank filter', () => {
    expect(parseFilter('')).toEqual([]);
    expect(parseFilter('   ')).toEqual([]);
  });

  it('splits on AND, in any case, and records where each comparison starts', () => {
    expect(parseFilter("metrics.rmse < 1 and params.model_class = 'LR' AND tags.`a b` IS NULL")).toEqual([
      { entity: 'metric', key: 'rmse', comparator: '<', value: 1, position: 1 },
      { entity: 'param', key: 'model_class', comparator: '=', value: 'LR', position: 22 },
      { entity: 'tag', key: 'a b', comparator: 'IS NULL', value: null, position: 52 },
    ]);
  });

  it('keeps keywords usable as keys after a prefix', () => {
    expect(terms("params.and = 'x' and tags.in = 'y'")).toEqual([
      { entity: 'param', key: 'and', comparator: '=', value: 'x' },
      { entity: 'tag', key: 'in', comparator: '=', value: 'y' },
    ]);
  });

  it('parses experiment filters with their own grammar', () => {
    expect(parseFilter("name LIKE 'reco%' and creation_time > 10 and tags.team = 'ml'", experimentsGrammar)).toMatchObject([
      { entity: 'attribute', key: 'name', comparator: 'LIKE', value: 'reco%' },
      { entity: 'attribute', key: 'creation_time', comparator: '>', value: 10 },
      { entity: 'tag', key: 'team', comparator: '=', value: 'ml' },
    ]);
  });
});

describe('parseFilter: malformed filters name the position', () => {
  it.each<[string, number, string]>([
    ["metrics.acc acc2 > 1", 13, "expected a comparator after 'metrics.acc', got 'acc2'"],
    ['metrics.acc > 0.8 and metrics.acc acc2', 35, "expected a comparator after 'metrics.acc', got 'acc2'"],
    ['metric.acc >= 0.94; metrics.rmse < 1', 19, "join comparisons with AND, not ';'"],
    ['m.acc >= 0.94', 1, "unknown entity type 'm' for runs"],
    ['acc >= 0.94', 1, "'acc' is not a searchable attribute of runs"],
    ["p.model >= 'LR'", 1, "unknown entity type 'p'"],
    ['attri.x != 1', 1, "unknown entity type 'attri'"],
    ["model >= 'LR'", 1, "'model' is not a searchable attribute"],
    ["metrics.A > 0.1 OR params.B = 'LR'", 17, 'OR is not supported'],
    ["metrics.A > 0.1 NAND params.B = 'LR'", 17, "expected AND or the end of the filter after 'metrics.A > 0.1', got 'NAND'"],
    ["metrics.A > 0.1 AND (params.B = 'LR')", 21, "expected an identifier such as metrics.acc or params.lr, got '('"],
    ['`metrics.A > 0.1', 1, 'unterminated backtick-quoted name'],
    ['param`.A > 0.1', 6, 'unterminated backtick-quoted name'],
    ['attribute.start != 1', 11, "'start' is not a searchable attribute"],
    ['attribute.experiment_id != 1', 11, 'choose experiments with the experiment ids'],
    ["attribute.lifecycle_stage = 'ACTIVE'", 11, 'run view type'],
    ['attribute.name != 1', 11, "'name' is not a searchable attribute"],
    ['attribute._status != 1', 11, "'_status' is not a searchable attribute"],
    ['attribute.status = true', 20, "expected a quoted string for 'attribute.status', got 'true'"],
    ["dataset.status = 'true'", 9, "unknown dataset key 'status'"],
    ['metrics.acc IS NULL', 13, 'IS NULL cannot be used on'],
    ['attribute.status IS NULL', 18, 'IS NULL cannot be used on'],
    ["metric.model = 'LR'", 16, "expected a number for 'metric.model', got the string 'LR' (metrics compare to numbers only)"],
    ["metric.model = '5'", 16, 'metrics compare to numbers only'],
    ['params.acc = 5', 14, "expected a quoted string for 'params.acc', got '5'"],
    ['tags.acc = 5', 12, 'expected a quoted string'],
    ['metrics.acc != metrics.acc', 16, 'expected a number'],
    ['1.0 > metrics.acc', 1, "expected an identifier such as metrics.acc or params.lr, got '1.0'"],
    ['attribute.status = 1', 20, 'expected a quoted string'],
    ['params.acc = LR', 14, "(quote it: 'LR')"],
    ['params.acc = `LR`', 14, 'expected a quoted string'],
    ["params.'acc = LR", 8, 'unterminated string'],
    ["params.acc = 'LR", 14, 'unterminated string'],
    ["params.acc = LR'", 16, 'unterminated string'],
    ['params.acc = "LR\'', 14, 'unterminated string'],
    ["tags.acc = = 'LR'", 12, "expected a quoted string for 'tags.acc', got '='"],
    ["attribute.status IS 'RUNNING'", 21, "expected NULL after 'IS', got ''RUNNING''"],
    ['params.acc LR !=', 12, "expected a comparator after 'params.acc', got 'LR'"],
    ['params.acc', 11, "expected a comparator after 'params.acc', got the end of the input"],
    ['metric.acc !=', 14, 'expected a number'],
    ['foo is null', 1, "'foo' is not a searchable attribute"],
    ['1=1', 1, 'expected an identifier'],
    ['1==2', 1, 'expected an identifier'],
    ["metrics.acc LIKE '0.9%'", 13, 'LIKE cannot be used on'],
    ["metrics.acc > 1 and", 20, 'expected an identifier such as metrics.acc or params.lr, got the end of the input'],
    ["params.x == 'a'", 11, "expected a quoted string for 'params.x', got '='"],
    ["params.x <> 'a'", 10, "< cannot be used on 'params.x'"],
    ["params.x NOT LIKE 'a'", 14, "expected IN (NOT only negates IN) after 'params.x NOT', got 'LIKE'"],
    ["run_id IN 'a'", 11, "expected a parenthesised list such as ('a', 'b') after 'run_id IN', got ''a''"],
    ['run_id IN ()', 12, 'the list of IN is empty'],
    ["run_id IN ('a' 'b')", 16, "expected ',' or ')', got ''b''"],
    ["run_id IN ('a', 1)", 17, "expected a quoted string in the list, got '1'"],
    ["run_id IN ('a',", 16, 'expected a quoted string in the list, got the end of the input'],
    ["attributes.start_time > 1.5", 25, 'expected an integer (epoch milliseconds)'],
    ["attributes.start_time > 'x'", 25, "expected a number for 'attributes.start_time'"],
    ["start_time LIKE '1%'", 12, 'LIKE cannot be used on'],
    ['params.lr # 1', 11, "unexpected character '#'"],
    ["params.x = 'a' -- comment", 16, "unexpected character '-'"],
    ['metrics.`` > 1', 9, 'the metric name is empty'],
    ['metrics.a."b" > 1', 11, 'quote the whole key, dots included'],
    ['"metrics".acc > 1', 1, 'an entity type cannot be a quoted string'],
    ["params > 'x'", 1, "'params' is not a searchable attribute"],
    ['metrics. > 1', 10, "expected a name after 'metrics.', got '>'"],
  ])('%s', (filter, position, message) => {
    const error = failure(filter);
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain(`Invalid filter at position ${position}: `);
    expect(error.message).toContain(message);
    expect(error.details).toMatchObject({ position });
  });

  it('checks experiment filters against the experiment grammar', () => {
    expect(failure("metrics.acc > 1", experimentsGrammar).message).toBe(
      "Invalid filter at position 1: unknown entity type 'metrics' for experiments; expected one of attribute, attributes, attr, tag, tags",
    );
    expect(failure("status = 'x'", experimentsGrammar).message).toContain("'status' is not a searchable attribute of experiments");
    expect(failure("experiment_id = '1'", experimentsGrammar).message).toContain("'experiment_id' can order experiments but not filter them");
    expect(failure("name > 'a'", experimentsGrammar).message).toContain('> cannot be used on');
  });
});
