import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { invalidArgument } from '../../errors.js';
import { checkDrift, parseTestName, type DriftCheckResult } from '../../drift/drift-check.js';
import { renderDriftReport } from '../../drift/report/html.js';
import { formatNumber, formatShare } from '../../drift/report/format.js';
import { printJson, printLine, printTable, progress } from '../output.js';

interface DriftFlags {
  test: string;
  threshold?: string;
  columns?: string;
  driftShare?: string;
  json?: boolean;
  report?: string;
  out?: string;
  failOnDrift?: boolean;
}

function number(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const x = Number(value);
  if (value.trim() === '' || !Number.isFinite(x)) throw invalidArgument(`${flag} must be a number, got '${value}'`);
  return x;
}

function withDriftOptions(command: Command): Command {
  return command
    .argument('<reference>', 'reference data (CSV, TSV, Parquet or JSONL), e.g. the training set')
    .argument('<current>', 'current data to compare with it, same columns')
    .option('--test <name>', 'auto (per column, by type and size) | ks | chi2 | z | psi | wasserstein | jensenshannon', 'auto')
    .option('--threshold <x>', "every column's threshold: p-value tests drift when p < x, distances when score >= x")
    .option('--columns <a,b>', 'compare only these columns (comma-separated)')
    .option('--drift-share <x>', 'the dataset drifts when at least this share of columns drift', '0.5')
    .option('--fail-on-drift', 'exit 1 when the dataset drifts (otherwise drift still exits 0)')
    .option('--json', 'print the result object as JSON');
}

async function runDrift(reference: string, current: string, opts: DriftFlags, reportFile: string | undefined): Promise<void> {
  const result = await checkDrift(reference, current, {
    test: parseTestName(opts.test),
    threshold: number('--threshold', opts.threshold),
    driftShare: number('--drift-share', opts.driftShare),
    columns: opts.columns?.split(',').map((c) => c.trim()).filter(Boolean),
  });
  if (reportFile) {
    const html = renderDriftReport(result, { generatedAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') });
    await fs.writeFile(reportFile, html).catch((error: NodeJS.ErrnoException) => {
      throw invalidArgument(`cannot write report ${reportFile}: ${error.code ?? error.message}`);
    });
    progress(`report written to ${path.resolve(reportFile)}`);
  }
  if (opts.json) printJson(result);
  else printResult(result);
  if (opts.failOnDrift && result.dataset.drifted) process.exitCode = 1;
}

function printResult(result: DriftCheckResult): void {
  printTable([
    ['COLUMN', 'TYPE', 'TEST', 'SCORE', 'THRESHOLD', 'DRIFT'],
    ...result.columns.map((c) => [c.column, c.type, c.test, formatNumber(c.score), formatNumber(c.threshold), c.drifted ? 'yes' : 'no']),
  ]);
  for (const s of result.skipped) printLine(`skipped ${s.column} (${s.type}): ${s.reason}`);
  const d = result.dataset;
  printLine(`dataset drift: ${d.drifted ? 'yes' : 'no'} (${d.driftedCount} of ${d.columnCount} columns, ${formatShare(d.share)}; threshold ${formatShare(d.driftShare)})`);
}

/** The `report` command, shared with other report kinds: found if another module registered it. */
function reportCommand(program: Command): Command {
  return program.commands.find((c) => c.name() === 'report') ?? program.command('report').description('write self-contained HTML reports');
}

export function registerDrift(program: Command): void {
  withDriftOptions(program.command('drift').description('compare two data files column by column for drift (exit 0 even on drift unless --fail-on-drift)'))
    .option('--report <file>', 'also write the self-contained HTML report there')
    .action((reference: string, current: string, opts: DriftFlags) => runDrift(reference, current, opts, opts.report));

  withDriftOptions(reportCommand(program).command('drift').description('write the HTML drift report of two data files'))
    .requiredOption('--out <file>', 'where to write the HTML report')
    .action((reference: string, current: string, opts: DriftFlags) => runDrift(reference, current, opts, opts.out));
}
