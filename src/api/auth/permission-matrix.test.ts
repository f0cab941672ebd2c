import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../../test/api-server.js';
import { dialects } from '../../../test/dialects.js';
import { buildServer } from '../server.js';
import { routeKey, routePermissions, type RouteNeed } from './route-permissions.js';
import { storeDigest } from './testing.js';

/** How much each caller may do, and how much each route needs, on one scale. */
const callers = { anonymous: -1, outsider: 0, viewer: 1, editor: 2, admin: 3 } as const;
type CallerName = keyof typeof callers;

function levelOf(need: RouteNeed): number {
  if (need.kind === 'public') return -1;
  if (need.kind === 'authenticated') return 0;
  const permission = need.kind === 'role' ? need.role : need.permission;
  return { viewer: 1, READ: 1, editor: 2, EDIT: 2, admin: 3, MANAGE: 3 }[permission];
}

describe('the permission table', () => {
  it('has an entry for every registered route, and none for a route that is not there', async () => {
    const { openThreadline } = await import('../../context.js');
    const { freshDatabaseUrl } = await import('../../../test/dialects.js');
    const tl = await openThreadline({ databaseUrl: await freshDatabaseUrl('sqlite'), artifactsUrl: '/tmp/threadline-matrix-artifacts', s3: { region: 'us-east-1', forcePathStyle: true } });
    const registered = new Set<string>();
    const app = buildServer(tl, { webRoot: null, onRoute: (route) => [route.method].flat().filter((m) => m !== 'HEAD').forEach((m) => registered.add(routeKey(m, route.url))) });
    await app.ready();
    await app.close();
    await tl.close();
    expect([...registered].filter((key) => !(key in routePermissions))).toEqual([]);
    expect(Object.keys(routePermissions).filter((key) => !registered.has(key))).toEqual([]);
  });

  it("opens nothing by mistake: only probes and logins are public; a change needs at least EDIT, but for a caller's own tokens", () => {
    const entries = Object.entries(routePermissions);
    expect(entries.filter(([, need]) => need.kind === 'public').map(([key]) => key)).toEqual(['GET /api/health', 'GET /api/health/live', 'GET /api/health/ready', 'POST /api/auth/login', 'POST /api/auth/logout']);
    const ownOnly = ['POST /api/tokens', 'DELETE /api/tokens/:id'];
    const weakChanges = entries.filter(([key, need]) => !key.startsWith('GET ') && levelOf(need) < 2 && need.kind !== 'public' && !ownOnly.includes(key) && !key.includes('/search'));
    expect(weakChanges.map(([key]) => key)).toEqual(['POST /api/2.0/mlflow/registered-models/get-latest-versions']);
    expect(entries.filter(([key]) => /\/(audit|principals)/.test(key)).every(([, need]) => levelOf(need) === 3)).toBe(true);
  });
});

describe.each(dialects)('every route × every role on %s', (dialect) => {
  let api: TestApi;
  const tokens: Partial<Record<CallerName, string>> = {};
  let experimentId = '';

  beforeAll(async () => {
    api = await startTestApi(
      dialect,
      async (tl) => {
        for (const role of ['viewer', 'editor', 'admin'] as const) {
          await tl.identity.createPrincipal({ name: role, role });
          tokens[role] = (await tl.identity.createToken({ principal: role, name: 'matrix', scopes: ['read', 'write', 'admin'] })).token;
        }
        await tl.identity.createPrincipal({ name: 'outsider', role: 'none' });
        tokens.outsider = (await tl.identity.createToken({ principal: 'outsider', name: 'matrix', scopes: ['read', 'write', 'admin'] })).token;
        experimentId = (await tl.experiments.create({ name: 'matrix' })).experimentId;
        const run = await tl.runs.create({ experimentId });
        await tl.models.createModel({ name: 'm' });
        await tl.models.createVersion({ name: 'm', source: `runs:/${run.runId}/model`, runId: run.runId });
        await tl.models.setAlias('m', 'champion', 1);
      },
      { auth: { required: true } },
    );
  });
  afterAll(() => api.close());

  function pathOf(route: string): string {
    // `::` is a literal colon as the router registers it (`/api/predictions::batch`).
    return route
      .replace('::', '\u0000')
      .replace(':name', 'm')
      .replace(':version', '1')
      .replace(':alias', 'champion')
      .replace(':env', 'prod')
      .replace(/:id\b/, (route.includes('/experiments/') ? experimentId : route.includes('/deployments/') ? 'prod' : 'x'))
      .replace(/:[a-z_]+/g, 'x')
      .replace('*', 'a.txt')
      .replace('\u0000', ':');
  }

  async function send(method: string, route: string, caller: CallerName): Promise<number> {
    const headers: Record<string, string> = {};
    if (tokens[caller as Exclude<CallerName, 'anonymous'>]) headers.authorization = `Bearer ${tokens[caller as Exclude<CallerName, 'anonymous'>]}`;
    let url = `${api.url}${pathOf(route)}`;
    let body: string | undefined;
    if (method === 'GET') url += `?name=m&experiment_id=${experimentId}`;
    else {
      headers['content-type'] = 'application/json';
      body = JSON.stringify({ name: 'm', experiment_id: experimentId, environment: 'prod' });
    }
    const response = await fetch(url, { method, headers, body });
    await response.arrayBuffer();
    return response.status;
  }

  it('refuses every caller below what a route needs with 401 or 403, changing nothing; lets the others past', async () => {
    const failures: string[] = [];
    // Admin goes last: an allowed request may change what later ones find, never what a refusal does.
    const order: CallerName[] = ['anonymous', 'outsider', 'viewer', 'editor', 'admin'];
    for (const [key, need] of Object.entries(routePermissions)) {
      const [method, route] = key.split(' ') as [string, string];
      const needed = levelOf(need);
      for (const caller of order) {
        const short = callers[caller] < needed;
        const before = short ? await storeDigest(api.tl.store.db) : '';
        const status = await send(method, route, caller);
        if (short) {
          const expected = caller === 'anonymous' ? 401 : 403;
          if (status !== expected) failures.push(`${key} as ${caller}: ${status}, expected ${expected}`);
          if ((await storeDigest(api.tl.store.db)) !== before) failures.push(`${key} as ${caller}: refused, yet the store changed`);
        } else if (status === 401 || status === 403) failures.push(`${key} as ${caller}: ${status}, expected to be let past`);
      }
    }
    expect(failures).toEqual([]);
  }, 240_000);

  it('a grant on one environment lets a viewer deploy there and nowhere else', async () => {
    await api.tl.identity.createPrincipal({ name: 'stager', role: 'viewer' });
    await api.tl.identity.grant({ principal: 'stager', resourceType: 'environment', resourceName: 'staging', permission: 'EDIT' });
    const token = (await api.tl.identity.createToken({ principal: 'stager', name: 'deploy' })).token;
    const deploy = (environment: string) =>
      fetch(`${api.url}/api/deployments`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ environment, target: 'command', status: 'pending', model: { name: 'm', version: 1 } }) });
    const before = await storeDigest(api.tl.store.db);
    const prod = await deploy('prod');
    expect(prod.status).toBe(403);
    expect(await prod.json()).toMatchObject({ error_code: 'PERMISSION_DENIED', message: expect.stringContaining("needs EDIT on environment 'prod'") });
    expect(await storeDigest(api.tl.store.db)).toBe(before);
    expect((await deploy('staging')).status).not.toBe(403);
  });
});
