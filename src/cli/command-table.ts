import type { Command } from 'commander';

export type Register = (program: Command) => void;

/** One top-level command as help lists it, and the group (file) that defines it, loaded on demand. */
export interface CommandEntry {
  name: string;
  /** What help shows in the left column: `run [options] <command...>`. */
  term: string;
  description: string;
  load: () => Promise<Register>;
}

const run = async () => (await import('./commands/run.js')).registerRun;
const runs = async () => (await import('./commands/runs.js')).registerRuns;
const experiments = async () => (await import('./commands/experiments.js')).registerExperiments;
const models = async () => (await import('./commands/models.js')).registerModels;
const image = async () => (await import('./commands/image.js')).registerImage;
const server = async () => (await import('./commands/server.js')).registerServer;
const trace = async () => (await import('./commands/trace.js')).registerTrace;
const validate = async () => (await import('./commands/validate.js')).registerValidate;
const reproduce = async () => (await import('./commands/reproduce.js')).registerReproduce;
const deploy = async () => (await import('./commands/deploy.js')).registerDeploy;
const ci = async () => (await import('./commands/ci.js')).registerCi;
const serve = async () => (await import('./commands/serve.js')).registerServe;
const proxy = async () => (await import('./commands/proxy.js')).registerProxy;
const predictions = async () => (await import('./commands/predictions.js')).registerPredictions;
const feedback = async () => (await import('./commands/predictions.js')).registerFeedback;
const drift = async () => (await import('./commands/drift.js')).registerDrift;
const events = async () => (await import('./commands/events.js')).registerEvents;
const observe = async () => (await import('./commands/observe.js')).registerObserve;
const hooks = async () => (await import('./commands/hooks.js')).registerHooks;
const mlflow = async () => (await import('./commands/mlflow.js')).registerMlflow;
const users = async () => (await import('./commands/identity.js')).registerUsers;
const tokens = async () => (await import('./commands/identity.js')).registerTokens;
const grants = async () => (await import('./commands/identity.js')).registerGrants;
const audit = async () => (await import('./commands/identity.js')).registerAudit;
const login = async () => (await import('./commands/identity.js')).registerLogin;

/**
 * Every top-level command, declared without importing its implementation: `threadline --help`
 * and `--version` read this table alone, where loading every group (and with them the store,
 * DuckDB, fastify…) took seconds. program.test.ts checks each entry against the real command.
 */
export const commandTable: CommandEntry[] = [
  { name: 'run', term: 'run [options] <command...>', description: 'run a command as a recorded run: code, data, environment, params, metrics, logs, outputs', load: run },
  { name: 'runs', term: 'runs', description: 'list and inspect runs', load: runs },
  { name: 'experiments', term: 'experiments', description: 'experiments', load: experiments },
  { name: 'models', term: 'models', description: 'the model registry: versions, aliases, their history', load: models },
  { name: 'image', term: 'image', description: 'OCI images of model versions: build (no Docker needed), push, record, list, show', load: image },
  { name: 'server', term: 'server [options]', description: 'serve the HTTP API on this machine', load: server },
  { name: 'trace', term: 'trace [options] <id-or-type> [id]', description: 'the thread from an entity: upstream to the run, code, data and environment that made it, or --downstream to everything that came from it', load: trace },
  { name: 'validate', term: 'validate [options] <data>', description: 'check a data file, folder or glob (CSV, Parquet, JSONL) against an expectation suite (YAML/JSON, Great Expectations names accepted); exit 0 pass, 1 fail, 2 bad input', load: validate },
  { name: 'reproduce', term: 'reproduce [options] <run-id>', description: 're-run a recorded run on its recorded code and inputs, and compare the results', load: reproduce },
  { name: 'deploy', term: 'deploy [options] <ref>', description: 'deploy a model version (its newest image, if built) or an image; records and prints ENV#N', load: deploy },
  { name: 'rollback', term: 'rollback [options]', description: "re-deploy what ran before the current deployment (or run RUN_ID's image, or what ENV#N ran), to the same target", load: deploy },
  { name: 'deployments', term: 'deployments', description: 'deployment history per environment', load: deploy },
  { name: 'ci', term: 'ci [options] <system>', description: 'write CI pipelines that train, register, build, deploy and roll back with threadline', load: ci },
  { name: 'serve', term: 'serve [options] <model>', description: 'serve a registered model with the tracing proxy built in: an ONNX model (onnxruntime-node), a JavaScript model (predict.mjs) or any server via --command', load: serve },
  { name: 'proxy', term: 'proxy [options]', description: 'put the tracing proxy in front of any HTTP model server: prediction ids, trace headers and fields, every request logged', load: proxy },
  { name: 'predictions', term: 'predictions', description: 'the prediction log of served models', load: predictions },
  { name: 'feedback', term: 'feedback [options] <file>', description: 'record ground truth for logged predictions: a JSONL or CSV file with a prediction_id column and a label', load: feedback },
  { name: 'drift', term: 'drift [options] <reference> <current>', description: 'compare two data files column by column for drift (exit 0 even on drift unless --fail-on-drift)', load: drift },
  { name: 'report', term: 'report', description: 'write self-contained HTML reports', load: drift },
  { name: 'events', term: 'events', description: 'what the observers saw change, at every stage', load: events },
  { name: 'observe', term: 'observe [options] [stage]', description: 'run the observers of threadline.yaml on their intervals (or one stage, once, for CI)', load: observe },
  { name: 'hooks', term: 'hooks', description: 'git hooks that record each commit (post-commit) and push (pre-push) with `observe code --once`', load: hooks },
  { name: 'mlflow', term: 'mlflow', description: 'runs logged by MLflow clients', load: mlflow },
  { name: 'users', term: 'users', description: 'people and service accounts, and their roles', load: users },
  { name: 'tokens', term: 'tokens', description: 'API tokens: for CI (THREADLINE_TOKEN) and MLflow clients (MLFLOW_TRACKING_TOKEN)', load: tokens },
  { name: 'grants', term: 'grants', description: 'READ, EDIT or MANAGE on one experiment (by id), model or environment, beyond a role', load: grants },
  { name: 'audit', term: 'audit', description: 'the audit log: who changed what, when, from what (admins)', load: audit },
  { name: 'login', term: 'login [options]', description: 'sign in to the server at THREADLINE_URL: a token is made for this machine and kept in ~/.config/threadline/credentials.json (mode 0600)', load: login },
  { name: 'logout', term: 'logout [options]', description: 'forget the token stored for THREADLINE_URL (revoke it on the server with `threadline tokens revoke`)', load: login },
];
