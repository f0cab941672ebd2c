import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../src/api/server.js';
import { openThreadline } from '../src/context.js';
import { startTestApi, type TestApi } from './api-server.js';
import { dialects } from './dialects.js';
import { logPyfuncModel, mlflow3Client, registerLoggedModel } from './mlflow3-client.js';

const anaPassword = 'planted-PASSWORD-of-ana-7f3a';
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Every file under `dir`, as text: where a planted secret must not turn up. */
function everyFile(dir: string): string {
  if (!fs.existsSync(dir)) return '';
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => fs.readFileSync(path.join(e.parentPath, e.name)).toString('latin1'))
    .join('\n');
}

describe.each(dialects)('an authenticated server on %s', (dialect) => {
  let api: TestApi;
  let adminToken = '';
  let bobToken = '';
  let log = '';

  beforeAll(async () => {
    const logStream = new PassThrough();
    logStream.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
    api = await startTestApi(
      dialect,
      async (tl) => {
        await tl.identity.createPrincipal({ name: 'root-admin', role: 'admin' });
        adminToken = (await tl.identity.createToken({ principal: 'root-admin', name: 'setup', scopes: ['read', 'write', 'admin'] })).token;
        await tl.identity.createPrincipal({ name: 'ana', role: 'editor', password: anaPassword });
        await tl.identity.createPrincipal({ name: 'bob', kind: 'service', role: 'editor' });
        bobToken = (await tl.identity.createToken({ principal: 'bob', name: 'ci' })).token;
      },
      { auth: { required: true, corsOrigins: ['https://ui.example.com'] }, logger: true, logStream },
    );
  });
  afterAll(() => api.close());

  it("runs MLflow's client flow as ana (Basic) and bob (token); the alias history and the audit log name each of them", async () => {
    const ana = mlflow3Client(api.url, '/api/2.0/mlflow', basic('ana', anaPassword));
    const bob = mlflow3Client(api.url, '/api/2.0/mlflow', bearer(bobToken));
    const anonymous = mlflow3Client(api.url);
    expect((await anonymous.call('POST', 'experiments/create', { name: 'nobody' })).status).toBe(401);

    const experimentId = (await ana.call('POST', 'experiments/create', { name: 'reco' })).body.experiment_id as string;
    const run = (await ana.call('POST', 'runs/create', { experiment_id: experimentId, start_time: Date.now() })).body.run;
    expect(run.info.user_id).toBe('ana');
    const logged = await logPyfuncModel(ana, experimentId, run.info.run_id);
    const v1 = await registerLoggedModel(ana, logged.modelId, 'reco');
    const v2 = await registerLoggedModel(bob, logged.modelId, 'reco');
    expect([v1.version, v2.version]).toEqual(['1', '2']);
    expect(v1.user_id).toBe('ana');

    expect((await ana.call('POST', 'registered-models/alias', { name: 'reco', alias: 'champion', version: '1' })).status).toBe(200);
    expect((await bob.call('POST', 'registered-models/alias', { name: 'reco', alias: 'champion', version: '2' })).status).toBe(200);
    // A caller cannot sign someone else's name: the native route's `actor` is ignored behind authentication.
    const claimed = await fetch(`${api.url}/api/models/reco/aliases/champion`, { method: 'PUT', headers: { ...bearer(bobToken), 'content-type': 'application/json' }, body: JSON.stringify({ version: 1, actor: 'mallory' }) });
    expect(claimed.status).toBe(200);

    const { history: moves } = (await (await fetch(`${api.url}/api/models/reco/history`, { headers: bearer(adminToken) })).json()) as { history: { actor: string; toVersion: number }[] };
    expect(moves.map((m) => [m.actor, m.toVersion])).toEqual([
      ['ana', 1],
      ['bob', 2],
      ['bob', 1],
    ]);

    const audit = await fetch(`${api.url}/api/audit?action=alias.set`, { headers: bearer(adminToken) });
    expect(audit.status, await audit.clone().text()).toBe(200);
    const records = ((await audit.json()) as { records: { actor: string; before: unknown; after: unknown; requestId: string | null }[] }).records;
    expect(records.map((r) => [r.actor, r.before, r.after])).toEqual([
      ['bob', { version: 2 }, { version: 1 }],
      ['bob', { version: 1 }, { version: 2 }],
      ['ana', null, { version: 1 }],
    ]);
    expect(records.every((r) => typeof r.requestId === 'string' && r.requestId.length === 36)).toBe(true);
    const registrations = (await (await fetch(`${api.url}/api/audit?action=model_version.register`, { headers: bearer(adminToken) })).json()) as { records: { actor: string }[] };
    expect(registrations.records.map((r) => r.actor)).toEqual(['bob', 'ana']);
    // The audit log is for admins.
    expect((await fetch(`${api.url}/api/audit`, { headers: basic('ana', anaPassword) })).status).toBe(403);
  });

  it('records who deployed, and trace says so', async () => {
    const deployed = await fetch(`${api.url}/api/deployments`, {
      method: 'POST',
      headers: { ...bearer(bobToken), 'content-type': 'application/json' },
      body: JSON.stringify({ environment: 'prod', target: 'command', model: 'reco/2', actor: 'someone-else' }),
    });
    const deployment = (await deployed.json()) as { id: string; actor: string };
    expect(deployed.status, JSON.stringify(deployment)).toBe(201);
    expect(deployment.actor).toBe('bob');
    const trace = await fetch(`${api.url}/api/lineage/trace?id=${encodeURIComponent(deployment.id)}&type=deployment`, { headers: bearer(adminToken) });
    expect(await trace.text()).toContain('by bob');
    const audit = (await (await fetch(`${api.url}/api/audit?subject_type=deployment`, { headers: bearer(adminToken) })).json()) as { records: { actor: string; action: string }[] };
    expect(audit.records[audit.records.length - 1]).toMatchObject({ actor: 'bob', action: 'deployment.deploy' });
  });

  it('gives a browser an HttpOnly, SameSite session whose changes need the CSRF token', async () => {
    const login = await fetch(`${api.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'ana', password: anaPassword }) });
    expect(login.status).toBe(200);
    const { csrf_token: csrf } = (await login.json()) as { csrf_token: string };
    const cookies = login.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith('threadline_session='))!;
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Strict/i);
    const cookie = cookies.map((c) => c.split(';')[0]).join('; ');
    expect(await (await fetch(`${api.url}/api/auth/session`, { headers: { cookie } })).json()).toMatchObject({ principal: 'ana', role: 'editor', via: 'session' });
    const without = await fetch(`${api.url}/api/runs`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{}' });
    expect(without.status).toBe(403);
    const withCsrf = await fetch(`${api.url}/api/runs`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' }, body: '{}' });
    expect(withCsrf.status).toBe(201);
    expect((await fetch(`${api.url}/api/auth/logout`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' }, body: '{}' })).status).toBe(204);
    expect((await fetch(`${api.url}/api/auth/session`, { headers: { cookie } })).status).toBe(401);
  });

  it('answers CORS preflights for listed origins only', async () => {
    const ask = (origin: string) => fetch(`${api.url}/api/runs`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    const listed = await ask('https://ui.example.com');
    expect(listed.status).toBe(204);
    expect(listed.headers.get('access-control-allow-origin')).toBe('https://ui.example.com');
    const other = await ask('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('manages tokens: a caller sees and revokes its own, not others', async () => {
    const made = await fetch(`${api.url}/api/tokens`, { method: 'POST', headers: { ...basic('ana', anaPassword), 'content-type': 'application/json' }, body: JSON.stringify({ name: 'laptop', scopes: ['read'] }) });
    const token = (await made.json()) as { id: string; token: string };
    expect(made.status).toBe(201);
    expect((await fetch(`${api.url}/api/runs`, { headers: bearer(token.token) })).status).toBe(200);
    // A read-only token cannot write, though ana is an editor.
    expect((await fetch(`${api.url}/api/runs`, { method: 'POST', headers: { ...bearer(token.token), 'content-type': 'application/json' }, body: '{}' })).status).toBe(403);
    const bobs = (await (await fetch(`${api.url}/api/tokens`, { headers: bearer(bobToken) })).json()) as { tokens: { id: string; principal: string }[] };
    expect(bobs.tokens.every((t) => t.principal === 'bob')).toBe(true);
    expect((await fetch(`${api.url}/api/tokens/${token.id}`, { method: 'DELETE', headers: bearer(bobToken) })).status).toBe(403);
    const revoked = await fetch(`${api.url}/api/tokens/${token.id}`, { method: 'DELETE', headers: basic('ana', anaPassword) });
    expect(revoked.status, await revoked.text()).toBe(204);
    expect((await fetch(`${api.url}/api/runs`, { headers: bearer(token.token) })).status).toBe(401);
    const audit = (await (await fetch(`${api.url}/api/audit?action=token.revoke`, { headers: bearer(adminToken) })).json()) as { records: { actor: string }[] };
    expect(audit.records[0]!.actor).toBe('ana');
  });

  it('keeps planted passwords and tokens out of the store, the artifacts and the log', async () => {
    const tables = (await api.tl.store.db.introspection.getTables()).map((t) => t.name);
    let dump = '';
    for (const table of tables) dump += JSON.stringify(await (api.tl.store.db as never as Kysely<Record<string, object>>).selectFrom(table).selectAll().execute());
    const files = everyFile(api.home);
    expect(log).toContain('"url"');
    for (const secret of [anaPassword, adminToken, bobToken, adminToken.slice(12), Buffer.from(`ana:${anaPassword}`).toString('base64')]) {
      expect(dump).not.toContain(secret);
      expect(files).not.toContain(secret);
      expect(log).not.toContain(secret);
    }
  });

  it('rate-limits failed logins with 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await fetch(`${api.url}/api/runs`, { headers: basic('ana', `wrong-${i}`) })).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    const refused = await fetch(`${api.url}/api/runs`, { headers: basic('ana', anaPassword) });
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error_code: 'RESOURCE_EXHAUSTED' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('counts failed logins across replicas: tries spread over two servers on one store are refused alike', async () => {
    await api.tl.identity.createPrincipal({ name: 'cara', role: 'viewer', password: 'planted-PASSWORD-of-cara-19c2' });
    const replica = await openThreadline({ databaseUrl: api.databaseUrl, artifactsUrl: path.join(api.home, 'artifacts'), s3: { region: 'us-east-1', forcePathStyle: true } });
    const second = await startServer(replica, '127.0.0.1', 0, { auth: { required: true } });
    try {
      const statuses: number[] = [];
      // Ten wrong passwords, alternating between the two replicas; then the right one on each.
      for (let i = 0; i < 10; i++) statuses.push((await fetch(`${i % 2 === 0 ? api.url : second.url}/api/runs`, { headers: basic('cara', `wrong-${i}`) })).status);
      expect(statuses).toEqual(Array(10).fill(401));
      for (const url of [api.url, second.url]) {
        const refused = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'cara', password: 'planted-PASSWORD-of-cara-19c2' }) });
        expect(refused.status).toBe(429);
        expect(await refused.json()).toMatchObject({ error_code: 'RESOURCE_EXHAUSTED' });
      }
      // Neither the name nor the address is kept in the clear.
      const keys = (await api.tl.store.db.selectFrom('login_failures').select('key').execute()).map((r) => r.key);
      expect(keys.length).toBeGreaterThanOrEqual(20);
      expect(keys.join(' ')).not.toMatch(/cara|127\.0\.0\.1/);
    } finally {
      await second.app.close();
      await replica.close();
    }
  });
});
