import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, freshDatabaseUrl } from '../../test/dialects.js';
import { openThreadline, type Threadline } from '../context.js';
import { newUuid } from '../ids.js';
import type { ObserverEvent } from '../events/types.js';
import { parseAlerts } from './config.js';
import { AlertDispatcher } from './dispatcher.js';

/**
 * Two replicas (two Threadline handles with their own connections on one store) each handed the
 * same 15 findings at once, as a client posting to both would: 15 webhooks, not 29.
 */
describe.each(dialects)('concurrent alert dispatch on %s', (dialect) => {
  let replicas: Threadline[];
  let hook: http.Server;
  const received: string[] = [];

  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-race-'));
    const url = await freshDatabaseUrl(dialect);
    replicas = [];
    for (let i = 0; i < 2; i++) replicas.push(await openThreadline({ databaseUrl: url, artifactsUrl: path.join(dir, 'artifacts'), s3: { region: 'us-east-1', forcePathStyle: true } }));
    hook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d));
      // A slow receiver widens the window between the check and the record.
      req.on('end', () => setTimeout(() => (received.push((JSON.parse(body) as { event: ObserverEvent }).event.fingerprint!), res.end('ok')), 20));
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((r) => hook.close(r));
    for (const tl of replicas) await tl.close();
  });

  it('one webhook per finding, and the other replica records a suppressed duplicate', async () => {
    const config = parseAlerts({
      notifiers: [{ name: 'hook', type: 'webhook', url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alerts` }],
      rules: [{ name: 'drift', kind: 'drift_detected', dedupe: '1h', notify: ['hook'] }],
    });
    const dispatchers = replicas.map((tl) => new AlertDispatcher(tl.store, config));
    const findings = Array.from({ length: 15 }, (_, i) => `prod#2:col${i}`);
    const now = Date.now();
    const finding = (fingerprint: string): ObserverEvent => ({ id: newUuid(), time: now, stage: 'production', kind: 'drift_detected', severity: 'warning', summary: fingerprint, subjects: [], details: {}, source: 'test', fingerprint });
    const outcomes = await Promise.all(findings.flatMap((f) => dispatchers.map((d) => d.dispatch(finding(f), now))));
    expect(received.sort()).toEqual([...findings].sort());
    const flat = outcomes.flat();
    expect(flat.filter((d) => d.outcome === 'sent')).toHaveLength(15);
    expect(flat.filter((d) => d.outcome === 'suppressed').every((d) => /^duplicate/.test(d.reason!))).toBe(true);
  });
});
