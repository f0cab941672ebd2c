#!/usr/bin/env node
import { reportError } from './errors.js';
import { buildProgram } from './program.js';
import { quietOnClosedOutput } from './stdio.js';

quietOnClosedOutput();
// Progress bars on a terminal only: never in a pipe, a log file or JSON output, nor in the
// long-running commands, whose stderr is a log. THREADLINE_PROGRESS=0 turns them off.
const quietCommands = new Set(['server', 'proxy', 'serve', 'observe']);
const argv = process.argv.slice(2);
if (process.stdout.isTTY && process.stderr.isTTY && process.env.THREADLINE_PROGRESS !== '0' && !argv.includes('--json') && !quietCommands.has(argv[0] ?? '')) {
  const stopDrawing = (await import('./progress-bar.js')).drawProgress();
  process.once('exit', stopDrawing);
}
try {
  await (await buildProgram(process.argv)).parseAsync(process.argv);
} catch (error) {
  // Exit now: a failed `server` or `proxy` may still hold a store, a log writer or a timer open.
  process.exit(reportError(error));
}
