import type { Command } from 'commander';
import { withBackend } from '../backend.js';
import { formatTime, printJson, printTable } from '../output.js';

export function registerExperiments(program: Command): void {
  const experiments = program.command('experiments').description('experiments');
  experiments
    .command('list')
    .description('all active experiments')
    .option('--all', 'deleted ones too')
    .option('--json', 'JSON output')
    .action(async (opts: { all?: boolean; json?: boolean }) => {
      await withBackend(async ({ api }) => {
        const list = await api.listExperiments(opts.all ? 'all' : 'active');
        if (opts.json) return printJson(list);
        printTable([['ID', 'NAME', 'STAGE', 'CREATED'], ...list.map((e) => [e.experimentId, e.name, e.lifecycleStage, formatTime(e.creationTime)])]);
      });
    });
}
