import type { Command } from 'commander';
import { defaultCiOptions } from '../../release/ci/options.js';
import { writeCi, type CiSystem } from '../../release/ci/write-ci.js';
import { printJson, printLine } from '../output.js';

export function registerCi(program: Command): void {
  program
    .command('ci')
    .description('write CI pipelines that train, register, build, deploy and roll back with threadline')
    .argument('<system>', 'github | gitlab')
    .option('--dir <dir>', 'repository root', '.')
    .option('--model <name>', 'registered model name', defaultCiOptions.model)
    .option('--registry <reg>', 'image registry and path, e.g. ghcr.io/acme', defaultCiOptions.registry)
    .option('--experiment <e>', 'experiment of the training runs', defaultCiOptions.experiment)
    .option('--train <cmd>', 'training command', defaultCiOptions.train)
    .option('--artifact <path>', 'run output holding the model', defaultCiOptions.artifact)
    .option('--env <env>', 'environment to deploy to', defaultCiOptions.environment)
    .option('--json', 'JSON output')
    .action(async (system: CiSystem, opts: { dir: string; model: string; registry: string; experiment: string; train: string; artifact: string; env: string; json?: boolean }) => {
      const written = await writeCi(opts.dir, system, { ...opts, environment: opts.env });
      if (opts.json) return printJson(written);
      written.forEach((file) => printLine(file));
    });
}
