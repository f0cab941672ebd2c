import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLoopback } from '../src/api/browser-guard.js';
import { runCli } from './cli.js';
import { dialects, freshDatabaseUrl } from './dialects.js';
import { startCli } from './serve.js';

/**
 * An address that the server's rule (isLoopback) counts as reachable from elsewhere, yet is this
 * machine's loopback: IPv4 127.0.0.1 mapped into IPv6. The tests never listen anywhere else.
 */
const offLoopbackByRule = '::ffff:127.0.0.1';

/** Holds a port on `host` until released: a server that tried to listen there would fail with EADDRINUSE. */
function holdPort(host: string): Promise<{ port: number; release: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const holder = net.createServer();
    holder.once('error', reject);
    holder.listen(0, host, () => resolve({ port: (holder.address() as net.AddressInfo).port, release: () => new Promise((done) => holder.close(() => done())) }));
  });
}

describe.each(dialects)('threadline server on an address off loopback, on %s', (dialect) => {
  const setup = async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-binding-'));
    const env = { THREADLINE_URL: '', THREADLINE_HOME: path.join(cwd, 'home'), THREADLINE_DB_URL: await freshDatabaseUrl(dialect), THREADLINE_ARTIFACTS: '', THREADLINE_AUTH: '' };
    return { cwd, env };
  };

  it('refuses to start without authentication, in one line and before it listens; starts with --insecure-no-auth', async () => {
    expect(isLoopback(offLoopbackByRule)).toBe(false);
    const { cwd, env } = await setup();
    const held = await holdPort(offLoopbackByRule);
    try {
      const refused = await runCli(['server', '--host', offLoopbackByRule, '--port', String(held.port)], { cwd, env });
      expect(refused.code).toBe(2);
      expect(refused.stdout).toBe('');
      const lines = refused.stderr.trim().split('\n');
      expect(lines, refused.stderr).toHaveLength(1);
      // The refusal, not EADDRINUSE: it came before any attempt to listen on the held port.
      expect(lines[0]).toMatch(/^threadline: refusing to serve ::ffff:127\.0\.0\.1 without authentication: .*--insecure-no-auth \(INVALID_ARGUMENT\)$/);
    } finally {
      await held.release();
    }

    const open = await startCli(['server', '--host', offLoopbackByRule, '--port', '0', '--insecure-no-auth'], { cwd, env });
    try {
      expect(open.url).toMatch(/^http:\/\/\[::ffff:127\.0\.0\.1\]:\d+$/);
      const anonymous = await fetch(`${open.url}/api/experiments`);
      expect(anonymous.status, await anonymous.clone().text()).toBe(200);
    } finally {
      expect(await open.stop()).toBe(0);
    }
  });

  it('starts once a user exists, and then every request must authenticate', async () => {
    const { cwd, env } = await setup();
    const password = 'admin-password-for-binding';
    const created = await runCli(['users', 'create', 'root-admin', '--role', 'admin', '--password-stdin'], { cwd, env, input: `${password}\n` });
    expect([created.code, created.stdout], created.stderr).toEqual([0, 'root-admin\n']);
    const server = await startCli(['server', '--host', offLoopbackByRule, '--port', '0'], { cwd, env });
    try {
      const anonymous = await fetch(`${server.url}/api/experiments`);
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toMatchObject({ error_code: 'UNAUTHENTICATED' });
      const signed = await fetch(`${server.url}/api/experiments`, { headers: { authorization: `Basic ${Buffer.from(`root-admin:${password}`).toString('base64')}` } });
      expect(signed.status, await signed.clone().text()).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
