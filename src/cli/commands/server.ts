import type { Command } from 'commander';
import { attachAlerts } from '../../alerts/attach.js';
import { bodyLimitsFromEnv } from '../../api/body-guard.js';
import { allowedHostsFromEnv, isLoopback } from '../../api/browser-guard.js';
import { startServer } from '../../api/server.js';
import { loadConfig } from '../../config.js';
import { openThreadline } from '../../context.js';
import { invalidArgument } from '../../errors.js';
import { heartbeatTimeoutMs, startRunReaper } from '../../tracking/run-reaper.js';
import { printStartLine, progress } from '../output.js';

export function registerServer(program: Command): void {
  program
    .command('server')
    .description('serve the HTTP API on this machine')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port', '5000')
    .option('--log', 'log each request')
    .option('--insecure-no-auth', 'listen on a non-loopback address with no authentication (anyone who reaches the port can change everything)')
    .option('--json', 'print the start line as one JSON object: {"url", "port"}')
    .action(async (opts: { host: string; port: string; log?: boolean; json?: boolean; insecureNoAuth?: boolean }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalidArgument(`--port must be 0-65535, got '${opts.port}'`);
      // No authentication exists yet: off loopback, only an explicit opt-out may serve.
      if (!isLoopback(opts.host) && !opts.insecureNoAuth) {
        throw invalidArgument(`refusing to serve ${opts.host} without authentication: listen on 127.0.0.1, or pass --insecure-no-auth`);
      }
      const config = loadConfig();
      const tl = await openThreadline(config);
      try {
        attachAlerts(tl, config.projectFile);
      } catch (error) {
        await tl.close();
        throw error;
      }
      const timeoutMs = heartbeatTimeoutMs();
      const { url, drain } = await startServer(tl, opts.host, port, { logger: opts.log, logLevel: config.logLevel, bodies: bodyLimitsFromEnv(), allowedHosts: allowedHostsFromEnv() });
      const stopReaper = startRunReaper(tl.runs, {
        timeoutMs,
        onEnded: (ids) => progress(`ended ${ids.length} run(s) whose writer stopped heartbeating: ${ids.join(', ')}`),
        onError: (error) => progress(`run reaper: ${error instanceof Error ? error.message : String(error)}`),
      });
      progress(`serving ${config.databaseUrl.startsWith('postgres') ? 'PostgreSQL' : config.databaseUrl} at ${url}`);
      printStartLine(url, opts.json);
      // As a Kubernetes pod is stopped: readiness fails, in-flight requests finish (up to the grace), then exit.
      let stopping = false;
      const stop = async () => {
        if (stopping) return;
        stopping = true;
        stopReaper();
        await drain(config.shutdownGraceMs);
        await tl.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}
