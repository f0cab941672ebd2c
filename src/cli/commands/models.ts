import os from 'node:os';
import type { Command } from 'commander';
import { invalidArgument } from '../../errors.js';
import type { ModelVersion, RegisteredModel } from '../../registry/types.js';
import { withBackend } from '../backend.js';
import { shortId } from '../../lineage/short.js';
import { formatTime, printJson, printLine, printTable } from '../output.js';

export function registerModels(program: Command): void {
  const models = program.command('models').description('the model registry: versions, aliases, their history');

  models
    .command('register')
    .description("register a run's artifact path as the model's next version; prints NAME/VERSION")
    .argument('<name>', 'registered model name (created when missing)')
    .requiredOption('--run <run>', 'run id or a unique prefix of it')
    .requiredOption('--artifact <path>', "the run's artifact path: a folder (model) or a file (model/model.json)")
    .option('--tag <key=value>', 'a version tag (repeatable)', collect, [])
    .option('--json', 'JSON output')
    .action(async (name: string, opts: { run: string; artifact: string; tag: string[]; json?: boolean }) => {
      const tags = Object.fromEntries(opts.tag.map(splitTag));
      await withBackend(async ({ api }) => {
        const version = await api.registerModel({ name, runId: opts.run, artifactPath: opts.artifact, tags, userId: currentUser() });
        if (opts.json) return printJson(version);
        printLine(`${version.name}/${version.version}`);
      });
    });

  models
    .command('alias')
    .description('point ALIAS at VERSION (the move is recorded with who and when)')
    .argument('<name>')
    .argument('<alias>', 'e.g. champion, prod')
    .argument('<version>')
    .option('--json', 'JSON output')
    .action(async (name: string, alias: string, version: string, opts: { json?: boolean }) => {
      await withBackend(async ({ api }) => {
        const moved = await api.setModelAlias(name, alias, version, currentUser());
        if (opts.json) return printJson(moved);
        printLine(`${moved.name}@${alias} → ${moved.name}/${moved.version}`);
      });
    });

  models
    .command('search')
    .description("model versions matching an MLflow filter, e.g. \"name='reco' and tag.DBR_RUN_ID = '777'\"")
    .argument('[filter]', 'MLflow search_model_versions filter', '')
    .option('-l, --limit <n>', 'at most this many', '100')
    .option('--json', 'JSON output')
    .action(async (filter: string, opts: { limit: string; json?: boolean }) => {
      await withBackend(async ({ api }) => {
        const { items } = await api.searchModelVersions({ filter, maxResults: Number(opts.limit) || 100 });
        if (opts.json) return printJson(items);
        printTable([
          ['MODEL', 'VERSION', 'STAGE', 'ALIASES', 'RUN', 'CREATED', 'SOURCE'],
          ...items.map((v) => [v.name, String(v.version), v.currentStage, v.aliases.join(',') || '-', v.runId ? shortId(v.runId) : '-', formatTime(v.creationTime), v.source]),
        ]);
      });
    });

  models
    .command('show')
    .description('a registered model (NAME) or one version (NAME@ALIAS, NAME/VERSION)')
    .argument('<ref>', 'NAME, NAME@ALIAS or NAME/VERSION')
    .option('--json', 'JSON output')
    .action(async (ref: string, opts: { json?: boolean }) => {
      await withBackend(async ({ api }) => {
        const shown = ref.includes('@') || ref.includes('/') ? await api.resolveModel(ref) : await api.getModel(ref);
        if (opts.json) return printJson(shown);
        if ('version' in shown) printVersion(shown);
        else printModel(shown);
      });
    });

  models
    .command('history')
    .description('every alias move of a model: when, who, from which version to which')
    .argument('<name>')
    .option('--json', 'JSON output')
    .action(async (name: string, opts: { json?: boolean }) => {
      await withBackend(async ({ api }) => {
        const history = await api.modelHistory(name);
        if (opts.json) return printJson(history);
        const v = (n: number | null) => (n === null ? '-' : String(n));
        printTable([['TIME', 'ALIAS', 'FROM', 'TO', 'BY'], ...history.map((h) => [formatTime(h.time), h.alias, v(h.fromVersion), v(h.toVersion), h.actor])]);
      });
    });
}

function printModel(model: RegisteredModel): void {
  printLine(`model      ${model.name}${model.description ? `  "${model.description}"` : ''}`);
  printLine(`time       created ${formatTime(model.creationTime)}, updated ${formatTime(model.lastUpdatedTime)}`);
  if (model.aliases.length > 0) printLine(`aliases    ${model.aliases.map((a) => `${a.alias}=${a.version}`).join('  ')}`);
  for (const v of model.latestVersions) printLine(`latest     ${v.currentStage}: v${v.version}  run ${v.runId ?? '-'}`);
  if (Object.keys(model.tags).length > 0) printLine(`tags       ${Object.entries(model.tags).map(([k, val]) => `${k}=${val}`).join('  ')}`);
}

function printVersion(v: ModelVersion): void {
  printLine(`model      ${v.name} v${v.version}${v.aliases.length > 0 ? `  (alias ${v.aliases.join(', ')})` : ''}  ${v.currentStage}`);
  printLine(`source     ${v.source}`);
  printLine(`run        ${v.runId ?? '-'}`);
  printLine(`artifact   ${v.artifactDigest ?? '-'}`);
  printLine(`created    ${formatTime(v.creationTime)}${v.userId ? ` by ${v.userId}` : ''}`);
  if (Object.keys(v.tags).length > 0) printLine(`tags       ${Object.entries(v.tags).map(([k, val]) => `${k}=${val}`).join('  ')}`);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function splitTag(pair: string): [string, string] {
  const at = pair.indexOf('=');
  if (at <= 0) throw invalidArgument(`--tag takes KEY=VALUE, got '${pair}'`);
  return [pair.slice(0, at), pair.slice(at + 1)];
}

/** Who moved an alias: the login name, as git would record it. */
function currentUser(): string {
  try {
    return os.userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}
