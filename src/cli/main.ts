#!/usr/bin/env node
import { reportError } from './errors.js';
import { buildProgram } from './program.js';
import { quietOnClosedOutput } from './stdio.js';

quietOnClosedOutput();
try {
  await (await buildProgram(process.argv)).parseAsync(process.argv);
} catch (error) {
  // Exit now: a failed `server` or `proxy` may still hold a store, a log writer or a timer open.
  process.exit(reportError(error));
}
