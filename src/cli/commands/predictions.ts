import fs from 'node:fs';
import type { Command } from 'commander';
import { failedPrecondition, invalidArgument } from '../../errors.js';
import { resolveDeployment } from '../../observe/production/deployment.js';
import { exportRequestRows } from '../../observe/production/export.js';
import { parseJsonPath } from '../../observe/production/rows.js';
import { parseSince } from '../../duration.js';
import { maxPredictionListLimit } from '../../serving/prediction-service.js';
import { withBackend } from '../backend.js';
import { shortId } from '../../lineage/short.js';
import { formatTime, printJson, printLine, printTable } from '../output.js';
import { cursorFromText, cursorText, statusFromText } from '../../serving/list-query.js';
import type { ListPredictionsQuery } from '../../serving/types.js';

export function registerPredictions(program: Command): void {
  const predictions = program.command('predictions').description('the prediction log of served models');

  predictions
    .command('list')
    .description('logged predictions, newest first')
    .option('--deployment <id>', 'only those of deployment ENV#N')
    .option('--model <name>', 'only those served by this registered model')
    .option('--since <time>', 'served at or after: a duration back from now (30m, 1h, 2d), an ISO time or epoch ms')
    .option('--until <time>', 'served before: the same forms as --since')
    .option('--status <ok|error|code>', 'ok (below 400), error (400 and up) or one HTTP status code')
    .option('--min-latency <ms>', 'at least this many milliseconds')
    .option('--max-latency <ms>', 'at most this many milliseconds')
    .option('--before <time:id>', 'the next (older) page: the TIME:ID a full page ends with')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'JSON output')
    .action(async (opts: { deployment?: string; model?: string; since?: string; until?: string; status?: string; minLatency?: string; maxLatency?: string; before?: string; limit: string; json?: boolean }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw invalidArgument(`--limit takes a positive whole number, got '${opts.limit}'`);
      const ms = (flag: string, value: string | undefined) => {
        if (value === undefined) return undefined;
        if (!/^\d+(\.\d+)?$/.test(value.trim())) throw invalidArgument(`${flag} takes milliseconds, e.g. 250, got '${value}'`);
        return Number(value);
      };
      const query: ListPredictionsQuery = {
        deploymentId: opts.deployment,
        modelName: opts.model,
        since: opts.since,
        until: opts.until,
        status: opts.status === undefined ? undefined : statusFromText(opts.status),
        minLatencyMs: ms('--min-latency', opts.minLatency),
        maxLatencyMs: ms('--max-latency', opts.maxLatency),
        before: opts.before === undefined ? undefined : cursorFromText(opts.before),
        // One more than shown, so that the hint below is given only when older ones exist.
        limit: Math.min(limit + 1, maxPredictionListLimit),
      };
      await withBackend(async ({ api }) => {
        const found = await api.listPredictions(query);
        const more = found.length > limit || (found.length === limit && limit === maxPredictionListLimit);
        const rows = found.slice(0, limit);
        if (opts.json) return printJson(rows);
        printTable([
          ['ID', 'TIME', 'DEPLOYMENT', 'MODEL', 'STATUS', 'LATENCY', 'PATH'],
          ...rows.map((p) => [shortId(p.id), formatTime(p.time), p.deploymentId ?? '-', p.modelName ? `${p.modelName}${p.modelVersion === null ? '' : `/${p.modelVersion}`}` : '-', String(p.status), `${p.latencyMs.toFixed(1)}ms`, `${p.method} ${p.path}`]),
        ]);
        // Older ones exist: say how to ask for them (on stderr, so the table stays the table).
        const last = rows.at(-1);
        if (last && more) process.stderr.write(`threadline: older ones with --before ${cursorText(last)}\n`);
      });
    });

  registerPredictionsExport(predictions);

  predictions
    .command('show')
    .description('a prediction: request, response, latency, status, model, run, git sha and feedback')
    .argument('<id>')
    .option('--json', 'JSON output')
    .action(async (id: string, opts: { json?: boolean }) => {
      await withBackend(async ({ api }) => {
        const p = await api.getPrediction(id);
        if (opts.json) return printJson(p);
        printLine(`prediction ${p.id}`);
        printLine(`  time        ${new Date(p.time).toISOString()}`);
        printLine(`  deployment  ${p.deploymentId ?? '- (unlinked)'}`);
        printLine(`  model       ${p.modelName ?? '-'}${p.modelVersion === null ? '' : ` v${p.modelVersion}`}`);
        printLine(`  run         ${p.runId ?? '-'}`);
        printLine(`  git sha     ${p.gitSha ?? '-'}`);
        printLine(`  request     ${p.method} ${p.path}  ${p.requestBody ?? '(not captured)'}`);
        printLine(`  response    ${p.status} in ${p.latencyMs.toFixed(2)} ms  ${p.responseBody ?? '(not captured)'}${p.truncated ? '  [truncated]' : ''}`);
        if (p.error) printLine(`  error       ${p.error}`);
        for (const f of p.feedback) printLine(`  feedback    ${formatTime(f.time)}  ${JSON.stringify(f.label)}${f.source ? `  (${f.source})` : ''}`);
        if (p.feedback.length === 0) printLine('  feedback    -');
      });
    });
}

export function registerPredictionsExport(predictions: Command): void {
  predictions
    .command('export')
    .description('the feature rows of a deployment\'s logged requests as CSV (what the production observer reads), e.g. for `threadline drift TRAINING.csv served.csv`')
    .requiredOption('--deployment <env>', 'ENV (what it runs now) or ENV#N')
    .requiredOption('--columns <a,b,…>', 'the feature columns to write, in order')
    .option('--since <time>', 'a duration back from now (30m, 1h, 2d) or an ISO time', '1d')
    .option('--request-path <path>', 'where the rows are in a request body ($.inputs); default MLflow\'s shapes, then the body itself')
    .option('--with-ids', 'lead each row with prediction_id and time')
    .option('-o, --out <file>', 'write here instead of stdout')
    .option('--json', 'JSON Lines instead of CSV: one object per row, keyed by column')
    .action(async (opts: { deployment: string; columns: string; since: string; requestPath?: string; withIds?: boolean; out?: string; json?: boolean }) => {
      const columns = opts.columns.split(',').map((c) => c.trim()).filter(Boolean);
      if (columns.length === 0) throw invalidArgument('--columns names at least one column');
      let requestPath;
      try {
        requestPath = opts.requestPath === undefined ? undefined : parseJsonPath(opts.requestPath);
      } catch (error) {
        throw invalidArgument(`--request-path: ${(error as Error).message}`);
      }
      const from = parseSince(opts.since);
      await withBackend(async ({ local }) => {
        if (!local) throw failedPrecondition('export reads the prediction log in the store: set THREADLINE_DB_URL instead of THREADLINE_URL');
        const deployment = await resolveDeployment(local.store, opts.deployment);
        const out = opts.out ? fs.createWriteStream(opts.out) : process.stdout;
        const write = (chunk: string) => (out.write(chunk) ? undefined : new Promise<void>((resolve) => out.once('drain', () => resolve())));
        const counts = await exportRequestRows(local.store, { deploymentId: deployment.id, from, to: Date.now(), columns, requestPath, withIds: opts.withIds, format: opts.json ? 'jsonl' : 'csv' }, write);
        if (opts.out) await new Promise<void>((resolve, reject) => (out as fs.WriteStream).end((error?: Error | null) => (error ? reject(error) : resolve())));
        process.stderr.write(`threadline: ${counts.rows} rows from ${counts.requests} requests of ${deployment.id}${counts.skipped ? ` (${counts.skipped} skipped: errors, truncated or unreadable bodies)` : ''}${opts.out ? ` written to ${opts.out}` : ''}\n`);
      });
    });
}

export function registerFeedback(program: Command): void {
  program
    .command('feedback')
    .description('record ground truth for logged predictions: a JSONL or CSV file with a prediction_id column and a label')
    .argument('<file>', '.jsonl / .csv')
    .option('--json', 'JSON output')
    .action(async (file: string, opts: { json?: boolean }) => {
      if (!fs.existsSync(file)) throw invalidArgument(`no such file: ${file}`);
      await withBackend(async ({ api }) => {
        const result = await api.importFeedback(file);
        if (opts.json) return printJson(result);
        printLine(`${result.recorded} feedback rows recorded`);
        if (result.unknown > 0) printLine(`${result.unknown} unknown prediction ids skipped (first: ${result.unknownIds.join(', ')})`);
        if (result.invalid > 0) printLine(`${result.invalid} unreadable lines skipped`);
      });
    });
}
