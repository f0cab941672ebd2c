import type { Command } from 'commander';
import { parseAlerts } from '../../alerts/config.js';
import { failedPrecondition } from '../../errors.js';
import { loadProjectFile } from '../../observe/project-file.js';
import { planObservers, runForever, runOnce } from '../../observe/scheduler.js';
import { listObserverHealth } from '../../observe/state-store.js';
import { withBackend } from '../backend.js';
import { formatTime, printJson, printLine, printTable, progress } from '../output.js';

export function registerObserve(program: Command): void {
  program
    .command('observe')
    .description('run the observers of threadline.yaml on their intervals (or one stage, once, for CI)')
    .argument('[stage]', 'a stage (code, data, features, training, deployment, production, external) or one observer (data:orders)')
    .option('--once', 'poke each observer once and exit (exit 1 when one failed)')
    .option('--status', 'show each observer\'s last poke, success, error and event count')
    .option('--json', 'JSON output')
    .action(async (stage: string | undefined, opts: { once?: boolean; status?: boolean; json?: boolean }) => {
      await withBackend(async ({ local, config }) => {
        if (!local) throw failedPrecondition('observers work on the store directly: set THREADLINE_DB_URL (and THREADLINE_ARTIFACTS) instead of THREADLINE_URL');
        if (opts.status) {
          const health = await listObserverHealth(local.store);
          if (opts.json) return printJson(health);
          printTable([
            ['OBSERVER', 'LAST POKE', 'LAST SUCCESS', 'POKES', 'FAILURES', 'EVENTS', 'LAST ERROR'],
            ...health.map((h) => [h.observer, formatTime(h.lastPoke), formatTime(h.lastSuccess), String(h.pokes), String(h.failures), String(h.events), h.lastError ?? '-']),
          ]);
          return;
        }
        const project = loadProjectFile(config.projectFile);
        // Alerts are attached by the backend; a broken section must stop the observers, not go quiet.
        parseAlerts(project.alerts, config.projectFile);
        const planned = planObservers(project, stage);
        if (planned.length === 0) throw failedPrecondition(`no observers configured in ${config.projectFile}`);
        const options = { tl: local, config, project };
        if (opts.once) {
          const outcomes = await runOnce(planned, options);
          if (opts.json) printJson(outcomes);
          else for (const o of outcomes) printLine(o.skipped ? `${o.observer}: skipped, ${o.skipped}` : `${o.observer}: ${o.ok ? 'ok' : `FAILED: ${o.error}`}, ${o.events.length} event(s) in ${o.ms} ms`);
          if (outcomes.some((o) => !o.ok)) process.exitCode = 1;
          return;
        }
        const stop = new AbortController();
        const onSignal = () => stop.abort();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        progress(`observing ${planned.map((p) => `${p.entry.name} every ${p.intervalMs / 1000}s`).join(', ')} (Ctrl-C stops)`);
        await runForever(planned, options, stop.signal);
        progress('observers stopped');
      });
    });
}
