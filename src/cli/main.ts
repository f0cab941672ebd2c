#!/usr/bin/env node
import { reportError } from './errors.js';
import { buildProgram } from './program.js';

try {
  await (await buildProgram(process.argv)).parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error);
}
