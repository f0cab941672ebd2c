import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { openStore } from '../../store/database.js';
import { materializeModel } from '../../serving/model/materialize.js';
import { startModelServer } from '../../serving/model/model-server.js';
import { resolveIdentity } from '../../serving/proxy/identity.js';
import { startTracing } from '../../serving/tracing.js';
import { openBackend } from '../backend.js';
import { progress } from '../output.js';
import { addTracingFlags, parseTracingFlags, runUntilSignal, type TracingFlags } from './tracing-flags.js';

export function registerServe(program: Command): void {
  const command = program
    .command('serve')
    .description('serve a registered model with the tracing proxy built in: an ONNX model (onnxruntime-node), a JavaScript model (predict.mjs) or any server via --command')
    .argument('<model>', 'MODEL@ALIAS, MODEL/VERSION or a folder')
    .option('--command <command>', 'run this server instead ("uvicorn app:app --port {port}"): {port} is an internal port behind the proxy');
  addTracingFlags(command, '8080').action(async (ref: string, flags: TracingFlags & { command?: string }) => {
    const options = parseTracingFlags(flags);
    const config = loadConfig();
    const backend = await openBackend(config);
    const model = await materializeModel(backend.api, ref, config.home);
    const store = backend.local?.store ?? (await openStore(config.databaseUrl));
    const upstream = await startModelServer(model, flags.command);
    const modelEnv = { ...process.env, THREADLINE_MODEL: model.version === null ? model.name : `${model.name}/${model.version}`, THREADLINE_RUN_ID: model.runId ?? '', GIT_SHA: model.gitSha ?? '' };
    const identity = await resolveIdentity(store, flags.deployment, modelEnv);
    const health = { status: 'ok', model: identity.modelName, version: identity.modelVersion, run_id: identity.runId, git_sha: identity.gitSha, deployment: identity.deploymentId, ...upstream.describe };
    const tracing = await startTracing(store, { home: config.home, upstream: upstream.url, identity, health: () => health, ...options });
    const url = await tracing.proxy.listen(options.port, options.host);
    progress(`serving ${model.name}${model.version === null ? '' : `/${model.version}`} (${upstream.kind}) from ${model.dir} at ${url} (run ${model.runId ?? '-'}, git ${model.gitSha ?? '-'})`);
    runUntilSignal(url, flags.json, tracing, store, async () => {
      await upstream.close();
      if (backend.local) return; // the store is the backend's: closed by runUntilSignal
      await backend.api.close();
    });
  });
}
