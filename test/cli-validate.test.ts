import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestApi } from './api-server.js';
import { runCli } from './cli.js';
import { dialects, freshDatabaseUrl } from './dialects.js';

const passingSuite = `
name: orders
expectations:
  - expect: column_exists
    column: order_id
  - expect: unique
    column: order_id
  - expect: between
    column: amount
    min: 0
    max: 100
  - expect: expect_column_values_to_be_in_set
    column: status
    value_set: [new, paid]
  - expect: row_count_between
    min: 1
    max: 10
`;

// One more expectation that the data breaks: 'lost' is not an allowed status.
const failingSuite = `${passingSuite}  - expect: in_set
    column: status
    values: [new]
    mostly: 0.9
`;

function workspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-validate-'));
  fs.writeFileSync(path.join(dir, 'orders.csv'), 'order_id,amount,status\n1,10.5,new\n2,99,paid\n3,0,new\n4,7.25,paid\n');
  fs.writeFileSync(path.join(dir, 'pass.yaml'), passingSuite);
  fs.writeFileSync(path.join(dir, 'fail.yaml'), failingSuite);
  return dir;
}

describe.each(dialects)('threadline validate on %s', (dialect) => {
  it('exits 0 on a passing suite, 1 on a failing one naming the failing expectation, and records both', { timeout: 300_000 }, async () => {
    const dir = workspace();
    const env = { THREADLINE_DB_URL: await freshDatabaseUrl(dialect), THREADLINE_HOME: path.join(dir, '.threadline'), THREADLINE_URL: '' };
    const cli = (...args: string[]) => runCli(args, { cwd: dir, env });

    const pass = await cli('validate', 'orders.csv', '--suite', 'pass.yaml');
    expect(pass.stderr).toMatch(/validation [0-9a-f-]{36} recorded/);
    expect(pass.code).toBe(0);
    const passLines = pass.stdout.trim().split('\n');
    expect(passLines[0]).toBe("suite 'orders' on orders.csv (4 rows): PASSED, 5 of 5 expectations met");
    const passId = passLines.at(-1)!;
    expect(passId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);

    const fail = await cli('validate', 'orders.csv', '--suite', 'fail.yaml');
    expect(fail.code).toBe(1);
    expect(fail.stdout).toContain('FAILED, 5 of 6 expectations met');
    expect(fail.stdout).toMatch(/FAIL \[5\] in_set: status values in \{"new"\} \(mostly 0\.9\)  2 of 4 unexpected \(50%\), e\.g\. "paid"/);

    const json = JSON.parse((await cli('validate', 'orders.csv', '--suite', 'fail.yaml', '--json')).stdout);
    expect(json).toMatchObject({ success: false, evaluated: 6, failed: 1, rowCount: 4, dataDigest: expect.stringMatching(/^sha256:/) });
    expect(json.results[5]).toMatchObject({ expect: 'in_set', success: false, elementCount: 4, unexpectedCount: 2, unexpectedPercent: 50, unexpectedExamples: ['paid'] });

    // Recorded: the data version, an event per validation, and the thread validation → data.
    const events = JSON.parse((await cli('events', 'list', '--stage', 'data', '--json')).stdout) as { kind: string; subjects: { type: string; id: string }[] }[];
    expect(events.map((e) => e.kind)).toEqual(['validation_failed', 'validation_failed', 'validation_passed']);
    expect(events[2]!.subjects).toEqual(expect.arrayContaining([{ type: 'validation', id: passId }]));
    const trace = await cli('trace', passId, '--format', 'json');
    expect(trace.code).toBe(0);
    const nodes = JSON.parse(trace.stdout).nodes as { type: string; id: string; facts: Record<string, unknown> }[];
    const data = nodes.find((n) => n.type === 'data')!;
    expect(data.facts).toMatchObject({ rows: 4, format: 'csv' });
    expect(data.id).toBe(json.dataDigest);

    // --no-record records nothing.
    const unrecorded = await cli('validate', 'orders.csv', '--suite', 'pass.yaml', '--no-record', '--json');
    expect(JSON.parse(unrecorded.stdout).validationId).toBeNull();
    expect(JSON.parse((await cli('events', 'list', '--stage', 'data', '--json')).stdout)).toHaveLength(3);
  });
});

describe('threadline validate refuses bad input with exit 2 and one line', () => {
  it.each([
    ['garbage data', ['validate', 'garbage.parquet', '--suite', 'pass.yaml'], /cannot read garbage\.parquet as parquet/],
    ['an empty file', ['validate', 'empty.csv', '--suite', 'pass.yaml'], /empty\.csv: the file is empty/],
    ['missing data', ['validate', 'nowhere.csv', '--suite', 'pass.yaml'], /no data at nowhere\.csv/],
    ['a missing suite', ['validate', 'orders.csv', '--suite', 'nope.yaml'], /cannot read suite nope\.yaml: no such file/],
    ['an unknown expectation', ['validate', 'orders.csv', '--suite', 'unknown.yaml'], /unknown\.yaml: expectations\[1\] \(expectation 2 of 2\): unknown expectation type 'expect_column_to_be_tasty'/],
    ['a suite that is not YAML', ['validate', 'orders.csv', '--suite', 'broken.yaml'], /broken\.yaml: not YAML or JSON/],
    ['a bad regex', ['validate', 'orders.csv', '--suite', 'regex.yaml'], /expectations\[0\] \(column 'status'\): pattern \/\(\/ is not a valid regular expression/],
  ])('%s', { timeout: 120_000 }, async (_what, args, message) => {
    const dir = workspace();
    fs.writeFileSync(path.join(dir, 'garbage.parquet'), 'PAR1 not really');
    fs.writeFileSync(path.join(dir, 'empty.csv'), '');
    fs.writeFileSync(path.join(dir, 'unknown.yaml'), 'name: s\nexpectations:\n  - expect: not_null\n    column: order_id\n  - expect: expect_column_to_be_tasty\n    column: amount\n');
    fs.writeFileSync(path.join(dir, 'broken.yaml'), 'name: [unclosed\n');
    fs.writeFileSync(path.join(dir, 'regex.yaml'), 'name: s\nexpectations:\n  - expect: regex\n    column: status\n    pattern: "("\n');
    const result = await runCli(args, { cwd: dir, env: { THREADLINE_HOME: path.join(dir, '.threadline'), THREADLINE_URL: '', THREADLINE_DB_URL: '' } });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('(INVALID_ARGUMENT)');
    // Nothing recorded for bad input.
    expect(fs.existsSync(path.join(dir, '.threadline'))).toBe(false);
  });
});

describe.each(dialects)('threadline validate against a server on %s', (dialect) => {
  it('computes next to the data and records on the server (POST /api/validations)', { timeout: 300_000 }, async () => {
    const api = await startTestApi(dialect);
    try {
      const dir = workspace();
      const fail = await runCli(['validate', 'orders.csv', '--suite', 'fail.yaml'], { cwd: dir, env: { THREADLINE_URL: api.url, THREADLINE_HOME: path.join(dir, '.threadline') } });
      expect(fail.code).toBe(1);
      const id = fail.stdout.trim().split('\n').at(-1)!;
      const stored = await api.client.getValidation(id);
      expect(stored).toMatchObject({ success: false, failed: 1, suiteName: 'orders', dataUri: path.join(dir, 'orders.csv') });
      expect((await api.client.listValidations({ data: stored.dataDigest })).map((v) => v.id)).toEqual([id]);
      expect((await api.tl.events.list({ subject: { type: 'validation', id } }))[0]).toMatchObject({ kind: 'validation_failed', severity: 'error' });
      expect(fs.existsSync(path.join(dir, '.threadline'))).toBe(false);
    } finally {
      await api.close();
    }
  });
});
