import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../testing.js';
import type { Prediction } from '../types.js';
import { TracingProxy } from './proxy-server.js';
import { Redactor } from './redactor.js';

const identity = { deploymentId: 'prod#1', modelName: 'reco', modelVersion: 1, runId: 'a'.repeat(32), gitSha: 'f'.repeat(40) };

// Sixteen planted secrets, as issue 13's probe of `--redact password,api_key,card` planted them.
const s = Array.from({ length: 16 }, (_, i) => `planted-${String(i).padStart(2, '0')}-${'q'.repeat(6)}`);
s[11] = 'ghp_' + 'R7w2'.repeat(9);
s[12] = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwcm94eSJ9.cHJveHktc2lnbmF0dXJlLXZhbHVl';

const requests: { path: string; body: string; type?: string }[] = [
  { path: '/p', body: JSON.stringify({ password: s[0], Password: s[1], API_KEY: s[2], user: { deep: [{ Api_Key: s[3] }] } }) },
  { path: `/p?api_key=${s[4]}&Password=${s[5]}&page=2`, body: '{}' },
  { path: '/p', body: JSON.stringify({ payload: JSON.stringify({ password: s[6], inner: JSON.stringify({ API_KEY: s[7] }) }) }) },
  { path: '/p', body: `{"note": "x", "password": "${s[8]}", "rest": "${'z'.repeat(5000)}"}` },
  { path: '/p', body: `password=${s[9]}&item=dog-bowl`, type: 'application/x-www-form-urlencoded' },
  { path: '/p', body: JSON.stringify({ basket: [{ sku: 'a', card: s[10] }], note: `deployed with ${s[11]}`, copy: `Bearer ${s[12]}` }) },
  { path: '/p', body: JSON.stringify({ authorization: s[13], client_secret: s[14] }) },
  { path: '/p', body: `{"payload": "{\\"password\\": \\"${s[15]}\\", \\"pad\\": \\"${'z'.repeat(5000)}\\"}"}` },
];

let upstreamServer: http.Server;
let upstreamUrl = '';
beforeAll(async () => {
  // Echoes the request body back, so that the logged response carries the secrets too.
  upstreamServer = http.createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ echo: body }));
  });
  await new Promise<void>((resolve) => upstreamServer.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstreamServer.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => upstreamServer.close(() => resolve())));

describe('proxy --redact', () => {
  it('logs none of 16 planted secrets: other cases, query strings, JSON inside strings, cut bodies, forms, shapes', async () => {
    const logged: Prediction[] = [];
    const proxy = new TracingProxy({ upstream: upstreamUrl, identity, sink: { log: (p) => logged.push(p) }, redact: ['password', 'api_key', 'card'], maxBody: 4096 });
    const url = await proxy.listen(0);
    try {
      for (const r of requests) {
        const res = await request(`${url}${r.path}`, { method: 'POST', body: r.body, headers: { 'content-type': r.type ?? 'application/json' } });
        expect(res.statusCode).toBe(200);
        // The upstream got the secrets: only the log is redacted.
        expect(await res.body.text()).toContain(JSON.stringify(r.body).slice(1, 40));
      }
      await waitFor(() => logged.length === requests.length);
    } finally {
      await proxy.close();
    }
    const log = JSON.stringify(logged);
    expect(s.filter((secret) => log.includes(secret))).toEqual([]);
    expect(log).toContain('page=2');
    expect(log).toContain('dog-bowl');
    expect(JSON.parse(logged[0]!.requestBody!)).toEqual({ password: '[REDACTED]', Password: '[REDACTED]', API_KEY: '[REDACTED]', user: { deep: [{ Api_Key: '[REDACTED]' }] } });
  });

  it('changes nothing without --redact', () => {
    const text = JSON.stringify({ password: 'x1', note: s[11] });
    expect(new Redactor([]).text(text)).toBe(text);
    expect(new Redactor([]).path('/p?password=x')).toBe('/p?password=x');
  });

  it('survives a 10,000-deep body', () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    expect(new Redactor(['password']).text(deep)).toBe(deep);
  });
});
