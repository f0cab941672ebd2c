import type { Command } from 'commander';
import { ThreadlineError } from '../../errors.js';
import { DeployService, parseSequence, type DeployResult } from '../../release/deploy/deploy-service.js';
import type { Deployment } from '../../release/deploy/types.js';
import { withBackend } from '../backend.js';
import { shortId } from '../../lineage/short.js';
import { formatTime, printJson, printLine, printTable, progress } from '../output.js';

interface TargetFlags {
  dryRun?: boolean;
  port?: string;
  kubeconfig?: string;
  namespace?: string;
  command?: string;
  json?: boolean;
}

/** `deploy`, `rollback` and `deployments list|show`: one command group over DeployService. */
export function registerDeploy(program: Command): void {
  withTargetFlags(
    program
      .command('deploy')
      .description('deploy a model version (its newest image, if built) or an image; records and prints ENV#N')
      .argument('<ref>', 'MODEL@ALIAS, MODEL/VERSION or an image REPO@sha256:…')
      .requiredOption('--env <env>', 'environment, e.g. prod')
      .requiredOption('--target <target>', 'local | kubernetes | command')
      .option('--reason <reason>', 'deploy | rollback (a manual roll back)', 'deploy'),
  ).action(async (ref: string, opts: TargetFlags & { env: string; target: string; reason: string }) => {
    if (opts.reason !== 'deploy' && opts.reason !== 'rollback') throw new ThreadlineError('INVALID_ARGUMENT', `--reason is deploy or rollback, not '${opts.reason}'`);
    const reason = opts.reason;
    await withDeployments((service) => service.deploy(ref, { ...targetOptions(opts), environment: opts.env, target: opts.target, reason }), opts.json);
  });

  withTargetFlags(
    program
      .command('rollback')
      .description("re-deploy what ran before the current deployment (or run RUN_ID's image, or what ENV#N ran), to the same target")
      .requiredOption('--env <env>', 'environment, e.g. prod')
      .option('--run <run-id>', 'the training run whose image (or model version) to deploy')
      .option('--to <n>', 'the deployment number whose image and model version to deploy'),
  ).action(async (opts: TargetFlags & { env: string; run?: string; to?: string }) => {
    if (opts.run !== undefined && opts.to !== undefined) throw new ThreadlineError('INVALID_ARGUMENT', 'give --run or --to, not both');
    const to = opts.to === undefined ? undefined : parseSequence(opts.to);
    await withDeployments((service) => service.rollback({ ...targetOptions(opts), environment: opts.env, runId: opts.run, to }), opts.json);
  });

  const deployments = program.command('deployments').description('deployment history per environment');
  deployments
    .command('list')
    .description('deployments, newest first; * marks what each environment runs now')
    .argument('[env]')
    .option('--json', 'JSON output')
    .action(async (env: string | undefined, opts: { json?: boolean }) => {
      const list = await withService((service) => service.list(env));
      if (opts.json) return printJson(list);
      printTable([
        ['', 'ID', 'STATUS', 'REASON', 'TARGET', 'MODEL', 'RUN', 'IMAGE', 'BY', 'WHEN'],
        ...list.map((d) => [d.current ? '*' : '', d.id, d.status, d.reason, d.target, `${d.modelName}/${d.modelVersion}`, d.runId ? shortId(d.runId) : '-', d.imageReference ?? '-', d.actor, formatTime(d.createdAt)]),
      ]);
    });
  deployments
    .command('stop')
    .description('stop the local server of ENV\'s current deployment (marked stopped)')
    .argument('<env>')
    .option('--json', 'JSON output')
    .action(async (env: string, opts: { json?: boolean }) => {
      const deployment = await withService((service) => service.stop(env));
      if (opts.json) return printJson(deployment);
      printLine(deployment.id);
    });
  deployments
    .command('show')
    .description('one deployment: ENV (its current one) or ENV#N')
    .argument('<id>', 'ENV or ENV#N')
    .option('--json', 'JSON output')
    .action(async (id: string, opts: { json?: boolean }) => {
      const deployment = await withService((service) => service.show(id));
      if (opts.json) return printJson(deployment);
      printDeployment(deployment);
    });
}

function withTargetFlags(command: Command): Command {
  return command
    .option('--dry-run', 'kubernetes: write the manifests only')
    .option('--kubeconfig <file>', 'kubernetes: the cluster to apply to (default $KUBECONFIG)')
    .option('--namespace <ns>', 'kubernetes: namespace of the rendered objects')
    .option('--command <script>', 'command: the deploy script, run through the shell with THREADLINE_* variables')
    .option('--port <port>', 'local: the port threadline serve listens on (default: a free one)')
    .option('--json', 'JSON output');
}

function targetOptions(opts: TargetFlags) {
  const port = opts.port === undefined ? undefined : Number(opts.port);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw new ThreadlineError('INVALID_ARGUMENT', `invalid --port '${opts.port}'`);
  const timeout = Number(process.env.THREADLINE_DEPLOY_HEALTH_TIMEOUT_MS);
  return { dryRun: opts.dryRun, kubeconfig: opts.kubeconfig, namespace: opts.namespace, command: opts.command, port, healthTimeoutMs: timeout > 0 ? timeout : undefined };
}

/** Targets run here; the record is the api's: the embedded store, or the server at THREADLINE_URL. */
async function withService<T>(work: (service: DeployService) => Promise<T>): Promise<T> {
  return withBackend(async ({ api, config }) => work(new DeployService(api, config.home)));
}

async function withDeployments(work: (service: DeployService) => Promise<DeployResult>, json?: boolean): Promise<void> {
  const { deployment, exitCode } = await withService(work);
  if (json) printJson(deployment);
  else printLine(deployment.id);
  if (exitCode !== 0) {
    progress(`${deployment.id} failed: ${String(deployment.details.error ?? 'unknown error')}`);
    process.exitCode = exitCode;
  }
}

function printDeployment(d: Deployment): void {
  printLine(`deployment ${d.id}${d.current ? '  (current)' : ''}  ${d.status}`);
  printLine(`image      ${d.imageReference ?? '-'}`);
  printLine(`model      ${d.modelName}/${d.modelVersion}`);
  printLine(`run        ${d.runId ?? '-'}`);
  printLine(`git sha    ${d.gitSha ?? '-'}`);
  printLine(`target     ${d.target}`);
  printLine(`by         ${d.actor}`);
  printLine(`when       ${formatTime(d.createdAt)}`);
  printLine(`replaced   ${d.replacedId ?? '-'}`);
  printLine(`reason     ${d.reason}`);
  if (d.details.manifestsPath) printLine(`manifests  ${d.details.manifestsPath}`);
  if (d.details.url) printLine(`url        ${String(d.details.url)}  (pid ${String(d.details.pid)}, log ${String(d.details.logPath)})`);
  if (d.details.command) printLine(`command    ${d.details.command}`);
  if (d.details.error) printLine(`error      ${d.details.error}`);
}
