import type { Command } from 'commander';
import { withBackend } from '../backend.js';
import { printJson, printLine } from '../output.js';

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerMlflow(program: Command): void {
  const mlflow = program.command('mlflow').description('runs logged by MLflow clients');
  mlflow
    .command('backfill')
    .description("give runs stored before ingest their code, data, environment and external ids from MLflow's tags, inputs and model files (idempotent)")
    .option('--experiment <id>', 'only runs of this experiment (repeatable)', collect, [])
    .option('--json', 'JSON output')
    .action(async (opts: { experiment: string[]; json?: boolean }) => {
      await withBackend(async ({ api }) => {
        const report = await api.backfillMlflow(opts.experiment.length > 0 ? { experimentIds: opts.experiment } : {});
        if (opts.json) return printJson(report);
        printLine(`${report.runs} runs looked at, ${report.changedRuns} changed: ${report.code} code links, ${report.data} data inputs, ${report.environment} environments, ${report.externalIds} external id tags`);
      });
    });
}
