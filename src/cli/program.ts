import { Command } from 'commander';

type Register = (program: Command) => void;

/**
 * Each command group, by the top-level names it defines, loaded on demand: a call loads only the
 * group it runs (each group pulls in its domain, the store, DuckDB, the S3 client…), which halves
 * the start-up of a CLI call. Help and unknown names load them all.
 */
const groups: [names: string[], load: () => Promise<Register>][] = [
  [['run'], async () => (await import('./commands/run.js')).registerRun],
  [['runs'], async () => (await import('./commands/runs.js')).registerRuns],
  [['experiments'], async () => (await import('./commands/experiments.js')).registerExperiments],
  [['models'], async () => (await import('./commands/models.js')).registerModels],
  [['image'], async () => (await import('./commands/image.js')).registerImage],
  [['server'], async () => (await import('./commands/server.js')).registerServer],
  [['trace'], async () => (await import('./commands/trace.js')).registerTrace],
  [['validate'], async () => (await import('./commands/validate.js')).registerValidate],
  [['reproduce'], async () => (await import('./commands/reproduce.js')).registerReproduce],
  [['deploy', 'rollback', 'deployments'], async () => (await import('./commands/deploy.js')).registerDeploy],
  [['ci'], async () => (await import('./commands/ci.js')).registerCi],
  [['serve'], async () => (await import('./commands/serve.js')).registerServe],
  [['proxy'], async () => (await import('./commands/proxy.js')).registerProxy],
  [['predictions'], async () => (await import('./commands/predictions.js')).registerPredictions],
  [['feedback'], async () => (await import('./commands/predictions.js')).registerFeedback],
  [['drift', 'report'], async () => (await import('./commands/drift.js')).registerDrift],
  [['events'], async () => (await import('./commands/events.js')).registerEvents],
  [['observe'], async () => (await import('./commands/observe.js')).registerObserve],
  [['hooks'], async () => (await import('./commands/hooks.js')).registerHooks],
  [['mlflow'], async () => (await import('./commands/mlflow.js')).registerMlflow],
];

/** The names every group defines at the top level, for tests that check the table is complete. */
export const topLevelNames = groups.flatMap(([names]) => names);

/** The program with the command groups `argv` needs (all of them for help or an unknown command). */
export async function buildProgram(argv: readonly string[] = process.argv): Promise<Command> {
  const program = new Command('threadline')
    .description('trace every prediction back to the code, data, environment and run that made it')
    .version('0.1.0')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  // Top-level options are only --help and --version, so the first word that is not an option names the command.
  const first = argv.slice(2).find((a) => !a.startsWith('-'));
  const wanted = groups.filter(([names]) => first !== undefined && names.includes(first));
  for (const [, load] of wanted.length > 0 ? wanted : groups) (await load())(program);
  return program;
}
