import fs from 'node:fs/promises';
import path from 'node:path';
import { digestJson } from '../../capture/canonical.js';
import type { TabularFormat } from '../../capture/tabular.js';
import type { DataVersion } from '../../capture/types.js';
import { duckdbFactSource } from '../../validate/duckdb-facts.js';
import { invalidArgument } from '../../errors.js';
import { parseSuiteText, runSuite, type Validation } from '../../validate/index.js';
import type { ObserverContext } from '../agent.js';
import type { EventRecorder } from '../../validate/validation-service.js';

/**
 * Runs the expectation suite attached to a watched source on its new version; `record` then
 * stores it through the ValidationService (the validation row, its edge to the data, and the
 * `validation_passed` / `validation_failed` event, emitted as this observer). Split in two so
 * that a suite that cannot be read fails the poke before anything is recorded, and the caller
 * records the verdict before it remembers the version (a crash in between repeats it).
 */
export async function checkVersion(ctx: ObserverContext, suitePath: string, data: DataVersion, tabular: { format: TabularFormat; files: string[] }): Promise<{ record: () => Promise<Validation> }> {
  const file = path.resolve(ctx.baseDir, suitePath);
  const text = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw invalidArgument(`expectation suite ${file} cannot be read: ${error.code ?? error.message}`, { path: file });
  });
  const suite = parseSuiteText(text, file);
  const result = await runSuite(suite, duckdbFactSource({ label: data.uri, files: tabular.files, format: tabular.format }));
  const asObserver: EventRecorder = { record: ({ source: _source, ...event }) => ctx.emit(event) };
  return { record: () => ctx.tl.validations.record({ data, suiteName: suite.name, suiteDigest: digestJson(suite), result }, asObserver) };
}
