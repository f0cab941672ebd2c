import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, freshDatabaseUrl } from '../../test/dialects.js';
import { openThreadline, type Threadline } from '../context.js';
import { LeaseStore } from '../store/lease-store.js';
import { orders, write } from './data/testing.js';
import { readProject } from './project-file.js';
import { planObservers, runForever, runOnce, type SchedulerOptions } from './scheduler.js';

const open = (databaseUrl: string, dir: string) => openThreadline({ databaseUrl, artifactsUrl: path.join(dir, 'artifacts'), s3: { region: 'us-east-1', forcePathStyle: true } });
const until = async (check: () => Promise<boolean>, ms: number) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** Two observer processes on one store (two Threadline handles here): each change recorded once, and a dead holder replaced. */
describe.each(dialects)('observer leases on %s', (dialect) => {
  let dir: string;
  let url: string;
  let a: Threadline;
  let b: Threadline;
  let reader: Threadline;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-lease-'));
    url = await freshDatabaseUrl(dialect);
    [a, b] = [await open(url, dir), await open(url, dir)];
    reader = await open(url, dir);
  });
  afterAll(async () => {
    for (const tl of [a, b, reader]) await tl.close().catch(() => undefined);
  });

  it('two schedulers poke once between them; a changed file is one data_changed; when the holder dies the other takes over after expiry', { timeout: 30_000 }, async () => {
    const file = path.join(dir, 'lake/orders.csv');
    write(file, orders(1));
    const project = readProject({ observe: { data: [{ name: 'orders', path: 'lake/orders.csv', min_age: 0, interval: '200ms' }] } }, path.join(dir, 'threadline.yaml'));
    const lines: string[] = [];
    const options = (tl: Threadline, holder: string): SchedulerOptions => ({ tl, config: {} as never, project, holder, leaseMs: 1500, log: (m) => lines.push(`${holder} ${m}`) });
    const stopA = new AbortController();
    const stopB = new AbortController();
    const runningA = runForever(planObservers(project), options(a, 'A'), stopA.signal);
    const runningB = runForever(planObservers(project), options(b, 'B'), stopB.signal);
    const events = async (kind: string) => (await reader.events.list({ kind })).length;

    await until(async () => (await events('data_discovered')) === 1, 10_000);
    write(file, orders(2, { shift: 15 }));
    await until(async () => (await events('data_changed')) === 1, 10_000);
    // Several intervals more: still one of each, whoever poked.
    await new Promise((r) => setTimeout(r, 1000));
    expect([await events('data_discovered'), await events('data_changed')]).toEqual([1, 1]);
    const holder = (await new LeaseStore(reader.store.db).get('observer:data:orders'))!.holder;
    expect(['A', 'B']).toContain(holder);

    // The holder dies: its store goes away with it, no release, no renewal.
    const [dead, deadStop, survivor] = holder === 'A' ? [a, stopA, 'B'] : [b, stopB, 'A'];
    await dead.close();
    const died = Date.now();
    write(file, orders(3, { shift: -15 }));
    await until(async () => (await events('data_changed')) === 2, 10_000);
    expect(Date.now() - died).toBeGreaterThanOrEqual(1000); // not before the lease expired
    expect((await new LeaseStore(reader.store.db).get('observer:data:orders'))!.holder).toBe(survivor);
    expect(lines).toContain(`${survivor} [data:orders] lease taken: poking here`);
    deadStop.abort();
    stopA.abort();
    stopB.abort();
    await Promise.all([runningA, runningB]);
    expect(await events('data_changed')).toBe(2);
  });

  it('observe --once skips an observer another process holds, and gives its own lease back', async () => {
    const project = readProject({ observe: { data: [{ name: 'once', path: 'lake/orders.csv', min_age: 0 }] } }, path.join(dir, 'threadline.yaml'));
    const leases = new LeaseStore(reader.store.db);
    expect(await leases.acquire('observer:data:once', 'daemon', 60_000)).toBe(true);
    const [skipped] = await runOnce(planObservers(project), { tl: reader, config: {} as never, project, log: () => {} });
    expect(skipped).toMatchObject({ observer: 'data:once', ok: true, skipped: 'leased by daemon', events: [] });
    await leases.release('observer:data:once', 'daemon');
    const [poked] = await runOnce(planObservers(project), { tl: reader, config: {} as never, project, log: () => {} });
    expect(poked).toMatchObject({ ok: true, events: [{ kind: 'data_discovered' }] });
    expect(poked!.skipped).toBeUndefined();
    expect(await leases.get('observer:data:once')).toBeUndefined();
  });
});
