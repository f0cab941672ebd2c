import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedApi } from '../src/cli/embedded-api.js';
import { openThreadline } from '../src/context.js';
import { runCli } from './cli.js';
import { dialects, freshDatabaseUrl } from './dialects.js';
import { startCli, type LongRunning } from './serve.js';

const anaPassword = 'ana-planted-PASSWORD-41c9';

/** One line on stderr, as the CLI's one error handler writes it. */
function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  return lines[0]!;
}

/**
 * `threadline login`, `tokens` and `audit list` as a user meets them: the CLI against a real
 * `threadline server --auth` process on loopback, with principals made in its store beforehand
 * (as an admin does embedded before requiring authentication).
 */
describe.each(dialects)('the identity commands against threadline server --auth on %s', (dialect) => {
  let server: LongRunning;
  let cwd: string;
  let credentials: string;
  let bobToken = '';
  let vicToken = '';
  let serverEnv: NodeJS.ProcessEnv;
  // The client has no store of its own: everything goes to the server at THREADLINE_URL.
  const clientEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ THREADLINE_URL: server.url, THREADLINE_HOME: path.join(cwd, 'client-home'), THREADLINE_DB_URL: '', THREADLINE_TOKEN: '', THREADLINE_CREDENTIALS_FILE: credentials, ...extra });
  const cli = (args: string[], extra: NodeJS.ProcessEnv = {}, input?: string) => runCli(args, { cwd, env: clientEnv(extra), input });

  beforeAll(async () => {
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-identity-cli-'));
    credentials = path.join(cwd, 'config', 'threadline', 'credentials.json');
    const home = path.join(cwd, 'server-home');
    serverEnv = { THREADLINE_URL: '', THREADLINE_HOME: home, THREADLINE_DB_URL: await freshDatabaseUrl(dialect), THREADLINE_ARTIFACTS: '', THREADLINE_AUTH: '' };
    const tl = await openThreadline({ home, databaseUrl: serverEnv.THREADLINE_DB_URL!, artifactsUrl: path.join(home, 'artifacts'), s3: { region: 'us-east-1', forcePathStyle: true } });
    try {
      await tl.identity.createPrincipal({ name: 'ana', role: 'admin', password: anaPassword });
      await tl.identity.createPrincipal({ name: 'bob', kind: 'service', role: 'editor' });
      await tl.identity.createPrincipal({ name: 'vic', kind: 'service', role: 'viewer' });
      bobToken = (await tl.identity.createToken({ principal: 'bob', name: 'ci' })).token;
      vicToken = (await tl.identity.createToken({ principal: 'vic', name: 'dashboard', scopes: ['read'] })).token;
      // Two versions of a model to move an alias between and deploy.
      const api = embeddedApi(tl, 'seed');
      const run = await api.createRun({ experimentName: 'reco', name: 'train' });
      const file = path.join(cwd, 'model.onnx');
      fs.writeFileSync(file, 'weights');
      await api.uploadArtifact(run.runId, 'model/model.onnx', file);
      await api.updateRun(run.runId, { status: 'FINISHED' });
      for (let i = 0; i < 2; i++) await api.registerModel({ name: 'reco', runId: run.runId, artifactPath: 'model' });
    } finally {
      await tl.close();
    }
    server = await startCli(['server', '--host', '127.0.0.1', '--port', '0', '--auth'], { cwd, env: serverEnv });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('login keeps a token in a 0600 file that later commands authenticate with; logout removes it', async () => {
    const anonymous = await cli(['users', 'list']);
    expect(anonymous.code).toBe(77);
    expect(oneLine(anonymous.stderr)).toMatch(/^threadline: authentication required.*\(UNAUTHENTICATED\)$/);

    const wrong = await cli(['login', '--username', 'ana'], {}, 'not-her-password\n');
    expect(wrong.code).toBe(77);
    expect(oneLine(wrong.stderr)).toBe('threadline: wrong user name or password (UNAUTHENTICATED)');
    expect(fs.existsSync(credentials)).toBe(false);

    const login = await cli(['login', '--username', 'ana'], {}, `${anaPassword}\n`);
    expect([login.code, login.stdout], login.stderr).toEqual([0, `signed in to ${server.url} as ana (admin)\n`]);
    expect(fs.statSync(credentials).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(credentials)).mode & 0o777).toBe(0o700);
    const stored = JSON.parse(fs.readFileSync(credentials, 'utf8')) as Record<string, { token: string; principal: string }>;
    expect(Object.keys(stored)).toEqual([server.url]);
    expect(stored[server.url]).toMatchObject({ principal: 'ana', token: expect.stringMatching(/^tlt_/) });
    expect(fs.readFileSync(credentials, 'utf8')).not.toContain(anaPassword);

    const listed = await cli(['users', 'list', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { name: string }[]).map((p) => p.name)).toEqual(['ana', 'bob', 'vic']);
    // The login made a token of ana's, named for this machine: it is what authenticated the call.
    // Like a browser session it has every scope, so an admin signed in can administer (users list above).
    const mine = JSON.parse((await cli(['tokens', 'list', '--for', 'ana', '--json'])).stdout) as { name: string; lastUsedAt: number | null }[];
    expect(mine).toEqual([expect.objectContaining({ name: `cli@${os.hostname()}`, scopes: ['read', 'write', 'admin'], lastUsedAt: expect.any(Number) })]);

    const logout = await cli(['logout']);
    expect([logout.code, logout.stdout]).toEqual([0, `signed out of ${server.url} (was ana)\n`]);
    expect(fs.existsSync(credentials)).toBe(false);
    const after = await cli(['users', 'list']);
    expect(after.code).toBe(77);
    expect(oneLine(after.stderr)).toContain('(UNAUTHENTICATED)');
  });

  it('tokens: create shows the secret once, list never does, a revoked token gets 401; a viewer may not make tokens for others', async () => {
    // ana signed in: her commands authenticate with the stored token; THREADLINE_TOKEN (CI) overrides it.
    expect((await cli(['login', '--username', 'ana'], {}, `${anaPassword}\n`)).code).toBe(0);
    const asAdmin = {};

    const created = await cli(['tokens', 'create', 'nightly', '--for', 'bob', '--scope', 'read', '--expires', '1d'], asAdmin);
    expect(created.code, created.stderr).toBe(0);
    const secret = created.stdout.trim();
    expect(created.stdout).toMatch(/^tlt_\S+\n$/);
    expect(oneLine(created.stderr)).toMatch(/^threadline: token [0-9a-f-]{36} for bob \(read\): shown once, store it now$/);
    const id = /token (\S+) for/.exec(created.stderr)![1]!;

    const table = await cli(['tokens', 'list', '--for', 'bob'], asAdmin);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).not.toContain(secret);
    expect(table.stdout).toContain(`${secret.slice(0, 10)}…`);
    expect(table.stdout.split('\n').filter((line) => line.includes('nightly'))).toHaveLength(1);
    const listed = await cli(['tokens', 'list', '--for', 'bob', '--json'], asAdmin);
    expect(listed.stdout).not.toContain(secret);
    expect((JSON.parse(listed.stdout) as { id: string; revokedAt: number | null }[]).find((t) => t.id === id)).toMatchObject({ revokedAt: null });

    const used = await cli(['models', 'show', 'reco/1', '--json'], { THREADLINE_TOKEN: secret });
    expect(used.code, used.stderr).toBe(0);
    expect(JSON.parse(used.stdout)).toMatchObject({ name: 'reco', version: 1 });
    // A read-only token cannot write, whatever its principal's role.
    const refused = await cli(['models', 'alias', 'reco', 'champion', '1'], { THREADLINE_TOKEN: secret });
    expect(refused.code).toBe(77);
    expect(oneLine(refused.stderr)).toMatch(/\(PERMISSION_DENIED\)$/);
    // Nor can it mint a token that could: a token can do no more than the credential that makes it.
    const wider = await cli(['tokens', 'create', 'wider', '--scope', 'write'], { THREADLINE_TOKEN: secret });
    expect([wider.code, wider.stdout]).toEqual([77, '']);
    expect(oneLine(wider.stderr)).toBe('threadline: a token with the write scope can be made only with a credential that has it (PERMISSION_DENIED)');
    const narrow = await cli(['tokens', 'create', 'narrow', '--json'], { THREADLINE_TOKEN: secret });
    expect(narrow.code, narrow.stderr).toBe(0);
    expect(JSON.parse(narrow.stdout)).toMatchObject({ principal: 'bob', scopes: ['read'] });

    const revoked = await cli(['tokens', 'revoke', id], asAdmin);
    expect([revoked.code, revoked.stdout], revoked.stderr).toEqual([0, `revoked ${id}\n`]);
    const again = await cli(['models', 'show', 'reco/1'], { THREADLINE_TOKEN: secret });
    expect(again.code).toBe(77);
    expect(oneLine(again.stderr)).toBe('threadline: the bearer token is unknown, expired or revoked (UNAUTHENTICATED)');
    const raw = await fetch(`${server.url}/api/models/reco`, { headers: { authorization: `Bearer ${secret}` } });
    expect(raw.status).toBe(401);
    expect(await raw.json()).toEqual({ error_code: 'UNAUTHENTICATED', message: 'the bearer token is unknown, expired or revoked' });
    const twice = await cli(['tokens', 'revoke', id], asAdmin);
    expect(twice.code).toBe(5);
    expect(oneLine(twice.stderr)).toBe(`threadline: token '${id}' is already revoked (FAILED_PRECONDITION)`);

    // vic (a viewer) may list its own tokens, not make one for ana, nor read the audit log.
    expect((await cli(['tokens', 'list', '--json'], { THREADLINE_TOKEN: vicToken })).code).toBe(0);
    const forOthers = await cli(['tokens', 'create', 'sneaky', '--for', 'ana'], { THREADLINE_TOKEN: vicToken });
    expect(forOthers.code).toBe(77);
    expect(oneLine(forOthers.stderr)).toMatch(/\(PERMISSION_DENIED\)$/);
    expect(forOthers.stdout).toBe('');
    const audit = await cli(['audit', 'list'], { THREADLINE_TOKEN: vicToken });
    expect(audit.code).toBe(77);
    expect(oneLine(audit.stderr)).toMatch(/^threadline: vic may not GET \/api\/audit.*\(PERMISSION_DENIED\)$/);
    await cli(['logout']);
  });

  it('audit list names who moved an alias (ana, signed in) and who deployed (bob, by token)', async () => {
    expect((await cli(['login', '--username', 'ana'], {}, `${anaPassword}\n`)).code).toBe(0);
    // THREADLINE_ACTOR is what the client claims; behind authentication the token's principal wins.
    const moved = await cli(['models', 'alias', 'reco', 'champion', '2'], { THREADLINE_ACTOR: 'mallory' });
    expect(moved.code, moved.stderr).toBe(0);
    const deployed = await cli(['deploy', 'reco@champion', '--env', 'staging', '--target', 'command', '--command', 'true'], { THREADLINE_TOKEN: bobToken, THREADLINE_ACTOR: 'mallory' });
    expect([deployed.code, deployed.stdout], deployed.stderr).toEqual([0, 'staging#1\n']);

    const table = await cli(['audit', 'list']);
    expect(table.code, table.stderr).toBe(0);
    const rows = table.stdout.split('\n').map((line) => line.split(/\s{2,}/));
    expect(rows.find((r) => r[2] === 'alias.set')?.slice(1, 4)).toEqual(['ana', 'alias.set', 'model_alias:reco@champion']);
    expect(rows.find((r) => r[2] === 'deployment.deploy')?.slice(1, 4)).toEqual(['bob', 'deployment.deploy', 'deployment:staging#1']);
    expect(table.stdout).not.toContain('mallory');

    const moves = JSON.parse((await cli(['audit', 'list', '--subject', 'model_alias:reco@champion', '--json'])).stdout) as { actor: string; after: unknown; requestId: string | null }[];
    expect(moves).toEqual([expect.objectContaining({ actor: 'ana', after: { version: 2 }, requestId: expect.any(String) })]);
    const deploys = JSON.parse((await cli(['audit', 'list', '--actor', 'bob', '--json'])).stdout) as { action: string }[];
    expect(deploys.map((r) => r.action)).toContain('deployment.deploy');
    expect(deploys.map((r) => r.action)).not.toContain('alias.set');

    const bad = await cli(['audit', 'list', '--since', 'whenever']);
    expect(bad.code).toBe(2);
    expect(oneLine(bad.stderr)).toMatch(/\(INVALID_ARGUMENT\)$/);
    await cli(['logout']);
  });
});
