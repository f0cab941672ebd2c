import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../test/api-server.js';
import { dialects } from '../../test/dialects.js';
import { OidcVerifier } from './oidc.js';

/** An OIDC provider on loopback: a discovery document and a JWKS; tokens are signed by the test. */
async function startProvider(): Promise<{ issuer: string; sign(claims: Record<string, unknown>, options?: { audience?: string; key?: CryptoKey; expiresIn?: string }): Promise<string>; jwksFetches: () => number; close(): Promise<void> }> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  let fetches = 0;
  const server = http.createServer((request, response) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    response.setHeader('content-type', 'application/json');
    if (request.url === '/.well-known/openid-configuration') return response.end(JSON.stringify({ issuer: base, jwks_uri: `${base}/jwks` }));
    if (request.url === '/jwks') {
      fetches++;
      return response.end(JSON.stringify({ keys: [jwk] }));
    }
    response.statusCode = 404;
    response.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    sign: (claims, options = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(issuer)
        .setAudience(options.audience ?? 'threadline')
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '5m')
        .sign(options.key ?? privateKey),
    jwksFetches: () => fetches,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe.each(dialects)('single sign-on with an OIDC provider on %s', (dialect) => {
  let provider: Awaited<ReturnType<typeof startProvider>>;
  let api: TestApi;

  beforeAll(async () => {
    provider = await startProvider();
    const oidc = new OidcVerifier({ issuer: provider.issuer, audience: 'threadline', roleOfGroup: { 'ml-admins': 'admin', 'ml-engineers': 'editor', staff: 'viewer' } });
    api = await startTestApi(dialect, async (tl) => void (await tl.identity.createPrincipal({ name: 'local-ana', role: 'viewer' })), { auth: { required: true, oidc } });
  });
  afterAll(async () => {
    await api.close();
    await provider.close();
  });

  const call = (token: string, method = 'GET', path = '/api/runs') =>
    fetch(`${api.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}' });

  it("accepts the issuer's tokens, maps the user claim and groups to a principal and role, and caches the keys", async () => {
    const token = await provider.sign({ sub: 'u-1', preferred_username: 'carol', groups: ['staff', 'ml-engineers'] });
    expect((await call(token, 'POST')).status).toBe(201);
    expect(await (await call(token, 'GET', '/api/auth/session')).json()).toMatchObject({ principal: 'carol', role: 'editor', via: 'oidc' });
    const viewer = await provider.sign({ sub: 'u-2', preferred_username: 'dave', groups: ['staff'] });
    expect((await call(viewer, 'GET')).status).toBe(200);
    expect((await call(viewer, 'POST')).status).toBe(403);
    expect(provider.jwksFetches()).toBe(1);
    const carol = await api.tl.identity.getPrincipal('carol');
    expect(carol).toMatchObject({ role: 'editor', source: provider.issuer });
    // The run is carol's, and so is its audit record.
    expect((await api.tl.audit.list({ action: 'run.create' }))[0]!.actor).toBe('carol');
  });

  it('refuses a wrong audience, another key, an expired token, and a name taken by a local user', async () => {
    expect((await call(await provider.sign({ preferred_username: 'carol', groups: ['ml-admins'] }, { audience: 'another-app' }))).status).toBe(401);
    const stranger = await generateKeyPair('RS256');
    expect((await call(await provider.sign({ preferred_username: 'carol' }, { key: stranger.privateKey }))).status).toBe(401);
    expect((await call(await provider.sign({ preferred_username: 'carol' }, { expiresIn: '-10m' }))).status).toBe(401);
    expect((await call(await provider.sign({ preferred_username: 'local-ana', groups: ['ml-admins'] }))).status).toBe(401);
    expect((await call('a.b.c')).status).toBe(401);
  });
});
