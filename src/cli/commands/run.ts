import type { Command } from 'commander';
import { startServer } from '../../api/server.js';
import { patchLimitsFrom } from '../../capture/patch-limits.js';
import { ownPaths } from '../../config.js';
import { invalidArgument } from '../../errors.js';
import { withBackend } from '../backend.js';
import { launchRun } from '../run/launch-run.js';
import { printJson, printLine, progress } from '../output.js';

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run a command as a recorded run: code, data, environment, params, metrics, logs, outputs')
    .option('-e, --experiment <name>', 'experiment (created when missing)', 'Default')
    .option('-n, --name <name>', 'run name')
    .option('-i, --input <path>', 'input data file, folder or glob (repeatable)', collect, [])
    .option('-o, --output <path>', 'output file or folder to store as artifacts (repeatable)', collect, [])
    .option('-p, --param <key=value>', 'parameter (repeatable)', collect, [])
    .option('--patch-max-file <size>', 'untracked files larger than this are listed, not stored in the code patch (default 1MiB; env THREADLINE_PATCH_MAX_FILE)')
    .option('--patch-max-total <size>', 'untracked files past this total are listed, not stored (default 10MiB; env THREADLINE_PATCH_MAX_TOTAL)')
    .option('--json', 'print the run as JSON')
    .argument('<command...>', 'the command, after --')
    .passThroughOptions()
    .action(async (command: string[], opts: { experiment: string; name?: string; input: string[]; output: string[]; param: string[]; json?: boolean; patchMaxFile?: string; patchMaxTotal?: string }) => {
      const params = parseParams(opts.param);
      const patchLimits = patchLimitsFrom(process.env, { maxFile: opts.patchMaxFile, maxTotal: opts.patchMaxTotal });
      const result = await withBackend(async (backend) => {
        // Embedded: the child still needs an API to log to, so serve one on loopback for its lifetime.
        const server = backend.local ? await startServer(backend.local, '127.0.0.1', 0) : undefined;
        try {
          return await launchRun(backend.api, {
            experiment: opts.experiment,
            name: opts.name,
            inputs: opts.input,
            outputs: opts.output,
            params,
            command,
            cwd: process.cwd(),
            env: process.env,
            childApiUrl: server?.url ?? backend.config.serverUrl,
            progress,
            own: ownPaths(backend.config),
            patchLimits,
          });
        } finally {
          await server?.app.close();
        }
      });
      if (opts.json) printJson(result);
      else printLine(result.runId);
      process.exitCode = result.exitCode;
    });
}

function parseParams(pairs: string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw invalidArgument(`--param wants KEY=VALUE, got '${pair}'`);
    params[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return params;
}
