import fs from 'node:fs/promises';
import type { Command } from 'commander';
import { digestJson } from '../../capture/canonical.js';
import { captureData } from '../../capture/data.js';
import { duckdbFactSource, tabularSource } from '../../validate/duckdb-facts.js';
import { invalidArgument } from '../../errors.js';
import { defaultExamples, runSuite } from '../../validate/evaluate.js';
import { parseSuiteText } from '../../validate/suite.js';
import type { ExpectationResult, Observed, SuiteResult, Validation } from '../../validate/types.js';
import { withBackend } from '../backend.js';
import { printJson, printLine, progress } from '../output.js';

interface ValidateOptions {
  suite: string;
  json?: boolean;
  record: boolean;
  examples: string;
}

/**
 * `threadline validate DATA --suite FILE`: like a test runner, exit 0 when every expectation is
 * met, 1 when one is not, 2 for bad input (unreadable data, a suite that is not a suite).
 */
export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check a data file, folder or glob (CSV, Parquet, JSONL) against an expectation suite (YAML/JSON, Great Expectations names accepted); exit 0 pass, 1 fail, 2 bad input')
    .argument('<data>', 'a file, a folder or a glob of same-format tabular files')
    .requiredOption('--suite <file>', 'the expectation suite, YAML or JSON')
    .option('--examples <n>', 'unexpected values shown per expectation', String(defaultExamples))
    .option('--no-record', 'only print the result: record neither the data version, the validation nor its event')
    .option('--json', 'JSON output')
    .action(async (data: string, opts: ValidateOptions) => {
      const examples = Number(opts.examples);
      if (!Number.isInteger(examples) || examples < 0) throw invalidArgument(`--examples takes a whole number ≥ 0, got '${opts.examples}'`);
      const text = await fs.readFile(opts.suite, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw invalidArgument(`cannot read suite ${opts.suite}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
      });
      const suite = parseSuiteText(text, opts.suite);
      // Bad data is refused before anything is recorded.
      const source = await tabularSource(data);
      const result = await runSuite(suite, duckdbFactSource(source), examples);

      let validation: Validation | null = null;
      if (opts.record) {
        const dataVersion = await captureData(data);
        validation = await withBackend(({ api }) => api.recordValidation({ data: dataVersion, suiteName: suite.name, suiteDigest: digestJson(suite), result }));
      }
      if (opts.json) {
        printJson({ validationId: validation?.id ?? null, dataDigest: validation?.dataDigest ?? null, data, ...result });
      } else {
        printReport(result, data);
        if (validation) progress(`validation ${validation.id} recorded (data ${validation.dataDigest.slice(0, 19)}…)`);
        if (validation) printLine(validation.id);
      }
      if (!result.success) process.exitCode = 1;
    });
}

function printReport(result: SuiteResult, data: string): void {
  const verdict = result.success ? 'PASSED' : 'FAILED';
  printLine(`suite '${result.suite}' on ${data} (${result.rowCount.toLocaleString('en-US')} rows): ${verdict}, ${result.passed} of ${result.evaluated} expectations met`);
  for (const r of result.results) printLine(`  ${r.success ? 'ok  ' : 'FAIL'} [${r.index}] ${r.expect}: ${r.description}${detail(r)}`);
}

function detail(r: ExpectationResult): string {
  if (r.error) return `: ${r.error}`;
  if (r.unexpectedCount !== null && r.elementCount !== null && r.expect !== 'null_fraction_at_most') {
    if (r.unexpectedCount === 0) return `  (${r.elementCount.toLocaleString('en-US')} values)`;
    const e = r.unexpectedExamples.length > 0 ? `, e.g. ${r.unexpectedExamples.map(show).join(', ')}` : '';
    return `  ${r.unexpectedCount.toLocaleString('en-US')} of ${r.elementCount.toLocaleString('en-US')} unexpected (${round(r.unexpectedPercent!)}%)${e}`;
  }
  return `  observed ${show(r.observed)}`;
}

function show(value: Observed): string {
  if (Array.isArray(value)) return value.map(show).join(', ');
  if (typeof value === 'number') return round(value);
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

const round = (n: number) => (Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(6))));
