import type { Command } from 'commander';
import { startServer } from '../../api/server.js';
import { isThreadlineError } from '../../errors.js';
import { formatReport } from '../../reproduce/format-report.js';
import { reproduceRun } from '../../reproduce/reproduce-run.js';
import { withBackend } from '../backend.js';
import { printJson, printLine, progress } from '../output.js';
import { patchLimitsFrom } from '../../capture/patch-limits.js';
import { ownPaths } from '../../config.js';
import { launchRun } from '../run/launch-run.js';

interface ReproduceFlags {
  tolerance: string;
  allowDataDrift?: boolean;
  keep?: boolean;
  json?: boolean;
}

/** Exit statuses scripts can branch on: the verdict, or inputs that no longer match. */
const exitFor = { identical: 0, 'within tolerance': 0, differs: 1, inputsRefused: 3 } as const;

export function registerReproduce(program: Command): void {
  program
    .command('reproduce')
    .description('re-run a recorded run on its recorded code and inputs, and compare the results')
    .argument('<run-id>', 'run id or unique prefix')
    .option('--tolerance <x>', 'allowed metric difference: absolute up to 1, relative above (|a-b| <= x * max(1,|a|,|b|))', '0')
    .option('--allow-data-drift', 'run even when the inputs differ from what the run read')
    .option('--keep', 'keep the recreated tree')
    .option('--json', 'print the comparison as JSON')
    .action(async (runId: string, opts: ReproduceFlags) => {
      const tolerance = Number(opts.tolerance);
      try {
        const report = await withBackend(async (backend) => {
          // Embedded: the command still needs an API to log to, as with `threadline run`.
          const server = backend.local ? await startServer(backend.local, '127.0.0.1', 0) : undefined;
          try {
            return await reproduceRun(backend.api, runId, {
              tolerance,
              allowDataDrift: opts.allowDataDrift === true,
              keep: opts.keep === true,
              env: process.env,
              progress,
              launch: (request) => launchRun(backend.api, { ...request, env: process.env, childApiUrl: server?.url ?? backend.config.serverUrl, progress, own: ownPaths(backend.config), patchLimits: patchLimitsFrom(process.env) }),
            });
          } finally {
            await server?.app.close();
          }
        });
        if (opts.json) printJson(report);
        else formatReport(report).forEach((line) => printLine(line));
        process.exitCode = exitFor[report.comparison.verdict];
      } catch (error) {
        if (!isThreadlineError(error) || !error.details.inputDrift) throw error;
        process.stderr.write(`threadline: ${error.message} (${error.code})\n`);
        if (opts.json) printJson({ refused: 'input data drift', inputs: error.details.inputDrift });
        process.exitCode = exitFor.inputsRefused;
      }
    });
}
