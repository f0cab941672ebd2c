import type { Command } from 'commander';
import type { Run } from '../../tracking/types.js';
import { shortId } from '../../lineage/short.js';
import { withBackend } from '../backend.js';
import { parseDuration } from '../../duration.js';
import { defaultHeartbeatTimeoutMs, heartbeatTimeoutMs } from '../../tracking/run-reaper.js';
import { formatDuration, formatTime, printJson, printLine, printTable, progress } from '../output.js';

export function registerRuns(program: Command): void {
  const runs = program.command('runs').description('list and inspect runs');

  runs
    .command('list')
    .description('recent runs, newest first')
    .option('-e, --experiment <name>', 'only this experiment')
    .option('--deleted', 'deleted runs instead')
    .option('-l, --limit <n>', 'at most this many', '20')
    .option('--json', 'JSON output')
    .action(async (opts: { experiment?: string; deleted?: boolean; limit: string; json?: boolean }) => {
      await withBackend(async ({ api }) => {
        const experiments = await api.listExperiments('all');
        const names = new Map(experiments.map((e) => [e.experimentId, e.name]));
        const experimentIds = opts.experiment ? [experiments.find((e) => e.name === opts.experiment)?.experimentId ?? '-'] : undefined;
        const list = await api.listRuns({ experimentIds, lifecycle: opts.deleted ? 'deleted' : 'active', limit: Number(opts.limit) || 20 });
        if (opts.json) return printJson(list);
        printTable([
          ['ID', 'EXPERIMENT', 'NAME', 'STATUS', 'STARTED', 'DURATION'],
          ...list.map((r) => [shortId(r.runId), names.get(r.experimentId) ?? r.experimentId, r.name, r.status, formatTime(r.startTime), formatDuration(r.startTime, r.endTime)]),
        ]);
      });
    });

  runs
    .command('gc')
    .description('end RUNNING runs whose writer stopped heartbeating (killed, machine gone) as KILLED, with the reason in a tag')
    .option('--older-than <duration>', 'no heartbeat for this long (THREADLINE_RUN_HEARTBEAT_TIMEOUT, 10m by default)')
    .option('--include-unmonitored', 'also end RUNNING runs that never heartbeat (MLflow clients) started that long ago')
    .option('--json', 'JSON output')
    .action(async (opts: { olderThan?: string; includeUnmonitored?: boolean; json?: boolean }) => {
      const olderThanMs = opts.olderThan !== undefined ? parseDuration(opts.olderThan, '--older-than') : heartbeatTimeoutMs() || defaultHeartbeatTimeoutMs;
      await withBackend(async ({ api }) => {
        const ended = await api.endStaleRuns({ olderThanMs, includeUnmonitored: opts.includeUnmonitored === true });
        if (opts.json) return printJson({ ended });
        for (const id of ended) printLine(id);
        progress(`ended ${ended.length} stale run(s)`);
      });
    });

  runs
    .command('show')
    .description('one run: what it ran on, what it logged, what it wrote')
    .argument('<run-id>', 'run id, its short form (as tables show it) or a unique prefix')
    .option('--json', 'JSON output')
    .action(async (id: string, opts: { json?: boolean }) => {
      await withBackend(async ({ api }) => {
        const run = await api.getRun(id);
        if (opts.json) return printJson(run);
        printRun(run);
      });
    });
}

function printRun(run: Run): void {
  const { info } = run;
  printLine(`run        ${info.runId}  "${info.name}"  ${info.status}${info.exitCode !== null ? ` (exit ${info.exitCode})` : ''}`);
  printLine(`time       ${formatTime(info.startTime)} → ${formatTime(info.endTime)}  (${formatDuration(info.startTime, info.endTime)})`);
  if (info.command) printLine(`command    ${info.command.join(' ')}`);
  const code = run.code;
  if (code) {
    printLine(`code       ${code.remoteUrl ?? code.repoRoot} @ ${code.commitSha.slice(0, 12)}${code.branch ? ` (${code.branch})` : ''} ${code.dirty ? `dirty, patch ${code.patchDigest}` : 'clean'}`);
  }
  for (const io of run.io) printLine(`${io.direction === 'input' ? 'data in ' : 'data out'}   ${io.name}  ${io.ref}`);
  const env = run.environment;
  if (env) {
    const runtimes = Object.entries(env.runtimes).map(([k, v]) => `${k} ${v}`).join(', ');
    const locks = env.lockfiles.map((l) => `${l.path} ${l.digest.slice(0, 19)}…`).join(', ');
    printLine(`env        ${env.os} ${env.arch}; ${runtimes}${locks ? `; ${locks}` : ''}  (${env.digest.slice(0, 19)}…)`);
  }
  const externals = Object.entries(run.tags).filter(([k]) => /^threadline\.(github|gitlab|databricks|airflow)\./.test(k));
  if (externals.length > 0) printLine(`external   ${externals.map(([k, v]) => `${k.replace('threadline.', '')}=${v}`).join('  ')}`);
  if (Object.keys(run.params).length > 0) printLine(`params     ${Object.entries(run.params).map(([k, v]) => `${k}=${v}`).join('  ')}`);
  const metrics = Object.values(run.metrics);
  if (metrics.length > 0) printLine(`metrics    ${metrics.map((m) => `${m.key}=${m.value}`).join('  ')}`);
  for (const a of run.artifacts) printLine(`artifact   ${a.path}  ${a.digest}  ${a.size} bytes`);
}
