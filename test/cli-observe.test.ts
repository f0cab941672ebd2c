import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliNodeArgs, runCli } from './cli.js';

/** Orders with a price column whose level is `scale`: deterministic, 400 rows. */
function orders(scale: number): string {
  let seed = 11;
  const random = () => ((seed = (seed * 1664525 + 1013904223) % 4294967296) / 4294967296);
  const lines = ['order_id,category,unit_price'];
  for (let i = 0; i < 400; i++) lines.push(`o${i},${['dog', 'cat', 'fish'][i % 3]},${((2 + random() * 30) * scale).toFixed(2)}`);
  return lines.join('\n') + '\n';
}

describe('threadline observe, events and alerts from the command line (SQLite)', () => {
  let dir: string;
  let server: http.Server;
  let port: number;
  let etag = '"v1"';
  const alerts: { title: string; rule: string; event: { kind: string } }[] = [];
  const env = () => ({ THREADLINE_HOME: path.join(dir, '.threadline') });

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-observe-'));
    server = http.createServer((req, res) => {
      if (req.url === '/catalog.json') {
        if (req.headers['if-none-match'] === etag) return res.writeHead(304, { etag }).end();
        return res.writeHead(200, { etag, 'content-type': 'application/json' }).end(JSON.stringify({ etag }));
      }
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        alerts.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
    fs.mkdirSync(path.join(dir, 'data'));
    fs.writeFileSync(path.join(dir, 'data/orders.csv'), orders(1));
    fs.writeFileSync(
      path.join(dir, 'threadline.yaml'),
      [
        'observe:',
        '  data:',
        '    - { name: orders, path: data/orders.csv, min_age: 0s }',
        '  external:',
        `    - { name: catalog, url: "http://127.0.0.1:${port}/catalog.json", interval: 1s }`,
        'alerts:',
        '  notifiers:',
        `    - { name: hook, type: webhook, url: "http://127.0.0.1:${port}/alerts" }`,
        '  rules:',
        '    - { name: warnings, severity: warning, notify: [hook] }',
        '    - { name: revisions, kind: new_revision, notify: [hook] }',
      ].join('\n'),
    );
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('first sight, then a real change: events listed, shown and alerted; health kept', async () => {
    const first = await runCli(['observe', '--once', '--json'], { cwd: dir, env: env() });
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout).map((o: { observer: string; ok: boolean }) => [o.observer, o.ok])).toEqual([['data:orders', true], ['external:catalog', true]]);

    fs.writeFileSync(path.join(dir, 'data/orders.csv'), orders(3));
    etag = '"v2"';
    const second = await runCli(['observe', '--once'], { cwd: dir, env: env() });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/^data:orders: ok, \d+ event\(s\)/m);

    const data = JSON.parse((await runCli(['events', 'list', '--stage', 'data', '--json'], { cwd: dir, env: env() })).stdout) as { id: string; kind: string; severity: string }[];
    expect(data.map((e) => e.kind)).toEqual(expect.arrayContaining(['data_discovered', 'data_changed', 'drift_detected']));
    const drift = data.find((e) => e.kind === 'drift_detected')!;
    expect(drift.severity).toBe('warning');
    const shown = await runCli(['events', 'show', drift.id], { cwd: dir, env: env() });
    expect(shown.stdout).toContain('unit_price');
    expect(shown.stdout).toMatch(/about\s+data sha256:/);
    const table = await runCli(['events', 'list', '--severity', 'warning'], { cwd: dir, env: env() });
    expect(table.stdout).toContain('drift_detected');
    expect(table.stdout).not.toContain('data_discovered');

    // The drift warning and the new catalog revision reached the webhook, nothing else did.
    expect(alerts.map((a) => [a.rule, a.event.kind]).sort()).toEqual([['revisions', 'new_revision'], ['warnings', 'drift_detected']]);

    const status = JSON.parse((await runCli(['observe', '--status', '--json'], { cwd: dir, env: env() })).stdout) as { observer: string; pokes: number; failures: number }[];
    expect(status.map((h) => [h.observer, h.pokes, h.failures])).toEqual([['data:orders', 2, 0], ['external:catalog', 2, 0]]);
  });

  it('runs on intervals until stopped, and a failing observer shows in --once\'s exit status', async () => {
    const child = spawn(process.execPath, [...cliNodeArgs(), 'observe', 'external'], { cwd: dir, env: { ...process.env, ...env() }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    // Interval 1s: wait for three pokes of the catalog (304s), then stop it.
    const before = (JSON.parse((await runCli(['observe', '--status', '--json'], { cwd: dir, env: env() })).stdout) as { observer: string; pokes: number }[]).find((h) => h.observer === 'external:catalog')!.pokes;
    for (let i = 0; i < 100; i++) {
      const now = (JSON.parse((await runCli(['observe', '--status', '--json'], { cwd: dir, env: env() })).stdout) as { observer: string; pokes: number }[]).find((h) => h.observer === 'external:catalog')!.pokes;
      if (now >= before + 3) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.once('close', r));
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('observers stopped');

    server.close();
    const failed = await runCli(['observe', 'external', '--once'], { cwd: dir, env: env() });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/external:catalog: FAILED: /);
  });

  it('refuses a broken threadline.yaml and bad filters with one line and exit 2', async () => {
    const bad = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-observe-bad-'));
    fs.writeFileSync(path.join(bad, 'threadline.yaml'), 'observe:\n  moon: {}\n');
    const unknown = await runCli(['observe', '--once'], { cwd: bad, env: { THREADLINE_HOME: path.join(bad, '.threadline') } });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toContain('observe.moon: unknown stage');

    fs.writeFileSync(path.join(bad, 'threadline.yaml'), 'observe:\n  data: { path: x.csv }\nalerts:\n  rules: [{ name: r, notify: [nobody] }]\n');
    const alerting = await runCli(['observe', '--once'], { cwd: bad, env: { THREADLINE_HOME: path.join(bad, '.threadline') } });
    expect(alerting.code).toBe(2);
    expect(alerting.stderr).toContain("notifies 'nobody'");

    const filter = await runCli(['events', 'list', '--stage', 'moon'], { cwd: dir, env: env() });
    expect(filter.code).toBe(2);
    expect(filter.stderr).toContain("unknown stage 'moon'");
  });
});
