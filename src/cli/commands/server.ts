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
import type { AuthOptions } from '../../api/auth/index.js';
import { corsOriginsFromEnv } from '../../api/auth/cors.js';
import type { Threadline } from '../../context.js';
import { OidcVerifier, oidcSettingsFromEnv, type OidcSettings } from '../../identity/oidc.js';

export function registerServer(program: Command): void {
  program
    .command('server')
    .description('serve the HTTP API on this machine')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port', '5000')
    .option('--log', 'log each request')
    .option('--auth', 'require authentication on loopback too (always required on any other address)')
    .option('--insecure-no-auth', 'listen on a non-loopback address with no authentication (anyone who reaches the port can change everything)')
    .option('--json', 'print the start line as one JSON object: {"url", "port"}')
    .action(async (opts: { host: string; port: string; log?: boolean; json?: boolean; auth?: boolean; insecureNoAuth?: boolean }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalidArgument(`--port must be 0-65535, got '${opts.port}'`);
      const oidcSettings = oidcSettingsFromEnv();
      const config = loadConfig();
      const tl = await openThreadline(config);
      let auth: AuthOptions;
      try {
        auth = await authFor(tl, opts, oidcSettings);
        attachAlerts(tl, config.projectFile);
      } catch (error) {
        await tl.close();
        throw error;
      }
      const timeoutMs = heartbeatTimeoutMs();
      const { url, drain } = await startServer(tl, opts.host, port, { logger: opts.log, logLevel: config.logLevel, bodies: bodyLimitsFromEnv(), allowedHosts: allowedHostsFromEnv(), auth });
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

/**
 * Secure by default: on loopback nothing is needed (unless --auth); on any other address every
 * request must authenticate, and the server refuses to start when nobody could (no principal in
 * the store and no SSO issuer), unless told --insecure-no-auth.
 */
async function authFor(tl: Threadline, opts: { host: string; auth?: boolean; insecureNoAuth?: boolean }, oidc: OidcSettings | undefined): Promise<AuthOptions> {
  const common = { oidc: oidc ? new OidcVerifier(oidc) : undefined, corsOrigins: corsOriginsFromEnv(), secureCookies: process.env.THREADLINE_SECURE_COOKIES === '1' };
  const wanted = opts.auth || process.env.THREADLINE_AUTH === 'required' || !isLoopback(opts.host);
  if (!wanted || (opts.insecureNoAuth && !opts.auth)) return { required: false, ...common };
  if (!oidc && !(await tl.identity.hasPrincipals())) {
    throw invalidArgument(
      `refusing to serve ${opts.host} without authentication: create a user first (threadline users create NAME --role admin --password-stdin) or set THREADLINE_OIDC_ISSUER; or listen on 127.0.0.1, or pass --insecure-no-auth`,
    );
  }
  return { required: true, ...common };
}
