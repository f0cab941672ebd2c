import { describe, expect, it } from 'vitest';
import { parseJsonPath, requestRows, responsePredictions, type Rows } from './rows.js';

function table(body: string | null, path?: string, names?: string[]): Record<string, unknown>[] | string {
  const result = requestRows(body, path ? parseJsonPath(path) : undefined, names);
  if ('garbage' in result) return result.garbage;
  const rows: Rows = result.rows;
  return Array.from({ length: rows.count }, (_, i) => ({ a: rows.get(i, 'a'), b: rows.get(i, 'b') }));
}

describe('request bodies as rows', () => {
  it('reads the MLflow scoring shapes', () => {
    const expected = [{ a: 1, b: 'x' }, { a: 2, b: 'y' }];
    expect(table(JSON.stringify({ dataframe_split: { columns: ['a', 'b'], data: [[1, 'x'], [2, 'y']] } }))).toEqual(expected);
    expect(table(JSON.stringify({ dataframe_records: [{ a: 1, b: 'x' }, { a: 2, b: 'y' }] }))).toEqual(expected);
    expect(table(JSON.stringify({ instances: [{ a: 1, b: 'x' }, { a: 2, b: 'y' }] }))).toEqual(expected);
    expect(table(JSON.stringify({ inputs: { a: [1, 2], b: ['x', 'y'] } }))).toEqual(expected);
    expect(table(JSON.stringify({ inputs: [[1, 'x'], [2, 'y']] }), undefined, ['a', 'b'])).toEqual(expected);
    expect(table(JSON.stringify([{ a: 1, b: 'x' }, { a: 2, b: 'y' }]))).toEqual(expected);
  });

  it('reads one bare record as one row (its lists are values, not columns)', () => {
    expect(table(JSON.stringify({ a: [1, 2], b: 'x' }))).toEqual([{ a: [1, 2], b: 'x' }]);
  });

  it('follows a configured path', () => {
    expect(table(JSON.stringify({ payload: { rows: [{ a: 3 }] } }), '$.payload.rows')).toEqual([{ a: 3, b: undefined }]);
    expect(table(JSON.stringify({ batches: [{ a: [4] }] }), 'batches[0]')).toEqual([{ a: 4, b: undefined }]);
    expect(() => parseJsonPath('a..[x]')).toThrow(/cannot read path/);
  });

  it('names garbage instead of throwing', () => {
    expect(table('{not json')).toBe('request body is not JSON');
    expect(table(null)).toBe('no request body logged');
    expect(table(JSON.stringify({ inputs: 5 }))).toBe('a number where rows were expected');
    expect(table(JSON.stringify({ inputs: [[1, 2]] }))).toMatch(/without column names/);
    expect(table(JSON.stringify({ inputs: { a: [1], b: [1, 2] } }))).toBe('columns of different lengths');
    expect(table(JSON.stringify([{ a: 1 }, 2]))).toMatch(/mixing/);
  });
});

describe('response bodies as predictions', () => {
  it('one prediction per row, or none when they do not line up', () => {
    const path = parseJsonPath('predictions');
    expect(responsePredictions('{"predictions":[1,0]}', path, 2)).toEqual([1, 0]);
    expect(responsePredictions('[1,0]', path, 2)).toEqual([1, 0]);
    expect(responsePredictions('{"predictions":1}', path, 1)).toEqual([1]);
    expect(responsePredictions('{"predictions":[1]}', path, 2)).toBeNull();
    expect(responsePredictions('oops', path, 1)).toBeNull();
    expect(responsePredictions('{"out":{"y":[7]}}', parseJsonPath('$.out.y'), 1)).toEqual([7]);
  });
  it('a single ranking may come unwrapped', () => {
    expect(responsePredictions('{"predictions":["a","b","c"]}', parseJsonPath('predictions'), 1, true)).toEqual([['a', 'b', 'c']]);
    expect(responsePredictions('{"predictions":[["a"],["b"]]}', parseJsonPath('predictions'), 2, true)).toEqual([['a'], ['b']]);
  });
});

describe('production settings', () => {
  it('refuse a path they cannot read and fill defaults', async () => {
    const { productionSettings } = await import('./settings.js');
    expect(productionSettings.safeParse({ deployment: 'prod', request_path: 'a.[x]' }).success).toBe(false);
    expect(productionSettings.safeParse({ deployment: 'prod', fairness: { max: 0.1 } }).success).toBe(false);
    expect(productionSettings.safeParse({ deployment: 'prod', task: 'regression', performance: { metric: 'accuracy', min: 0.9 } }).success).toBe(false);
    expect(productionSettings.parse({ deployment: 'prod#3' })).toMatchObject({ window: '1h', min_count: 100, prediction_field: 'predictions', task: 'classification', drift: { test: 'auto', share: 0.5 } });
  });
});
