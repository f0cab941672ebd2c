import { Command } from 'commander';
import { registerCi } from './commands/ci.js';
import { registerDeploy } from './commands/deploy.js';
import { registerDrift } from './commands/drift.js';
import { registerExperiments } from './commands/experiments.js';
import { registerImage } from './commands/image.js';
import { registerModels } from './commands/models.js';
import { registerFeedback, registerPredictions } from './commands/predictions.js';
import { registerProxy } from './commands/proxy.js';
import { registerServe } from './commands/serve.js';
import { registerReproduce } from './commands/reproduce.js';
import { registerRun } from './commands/run.js';
import { registerRuns } from './commands/runs.js';
import { registerServer } from './commands/server.js';
import { registerTrace } from './commands/trace.js';
import { registerValidate } from './commands/validate.js';
import { registerEvents } from './commands/events.js';
import { registerObserve } from './commands/observe.js';
import { registerHooks } from './commands/hooks.js';

export function buildProgram(): Command {
  const program = new Command('threadline')
    .description('trace every prediction back to the code, data, environment and run that made it')
    .version('0.1.0')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerRun(program);
  registerRuns(program);
  registerExperiments(program);
  registerModels(program);
  registerImage(program);
  registerServer(program);
  registerTrace(program);
  registerValidate(program);
  registerReproduce(program);
  registerDeploy(program);
  registerCi(program);
  registerServe(program);
  registerProxy(program);
  registerPredictions(program);
  registerFeedback(program);
  registerDrift(program);
  registerEvents(program);
  registerObserve(program);
  registerHooks(program);
  return program;
}
