import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { openStore } from '../../store/database.js';
import { resolveIdentity } from '../../serving/proxy/identity.js';
import { startTracing } from '../../serving/tracing.js';
import { progress } from '../output.js';
import { addTracingFlags, parseTracingFlags, runUntilSignal, type TracingFlags } from './tracing-flags.js';

export function registerProxy(program: Command): void {
  const command = program
    .command('proxy')
    .description('put the tracing proxy in front of any HTTP model server: prediction ids, trace headers and fields, every request logged')
    .requiredOption('--upstream <url>', 'the model server, e.g. http://127.0.0.1:8000');
  addTracingFlags(command, '8080').action(async (flags: TracingFlags & { upstream: string }) => {
    const options = parseTracingFlags(flags);
    const config = loadConfig();
    const store = await openStore(config.databaseUrl);
    const identity = await resolveIdentity(store, flags.deployment);
    const tracing = await startTracing(store, { home: config.home, upstream: flags.upstream, identity, ...options });
    const url = await tracing.proxy.listen(options.port, options.host);
    progress(`tracing ${flags.upstream} at ${url}${identity.deploymentId ? ` as ${identity.deploymentId}` : ' (no deployment: predictions unlinked)'}`);
    runUntilSignal(url, flags.json, tracing, store);
  });
}
