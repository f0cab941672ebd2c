/**
 * The web UI in Debian's chromium (playwright-core), against `threadline server` in this process:
 *
 * - first load of `/` (navigation to the first heading drawn), against the same browser loading a
 *   bare JSON answer of the same server (`/api/health/live`);
 * - scrolling the runs table of 100,000 runs (paged from the server as it scrolls): frame-time p95
 *   over the same number of frames, against the same table of 100 runs;
 * - laying out (in the page's Web Worker: ELK up to 200 nodes, the in-repo layered layout past it)
 *   a lineage graph of ~1,000 nodes, against ~100 nodes; with the trace API's time and the time
 *   until the page next draws a frame beside it.
 *
 * Targets (issue 18): first load < 1 s, layout of 1,000 nodes < 1 s, scrolling without jank.
 *
 *   npx tsx bench/web-ui.ts [runs=100000]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import type { Page } from 'playwright-core';
import { startServer } from '../src/api/server.js';
import { openThreadline, type Threadline } from '../src/context.js';
import { launchBrowser } from '../test/browser.js';
import { printBenchResult } from './result.js';

const bigRuns = Number(process.argv[2] ?? 100_000);
const smallRuns = 100;
const root = path.resolve(import.meta.dirname, '..');
const frames = 240;

// The UI as `npm run build` makes it, from the source measured.
await build({ configFile: path.join(root, 'web/vite.config.ts'), logLevel: 'warn' });

async function store(name: string): Promise<Threadline> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `threadline-bench-web-${name}-`));
  return openThreadline({ databaseUrl: path.join(dir, 't.db'), artifactsUrl: path.join(dir, 'a'), s3: { region: 'us-east-1', forcePathStyle: true } });
}

/** N finished runs in the default experiment, 3 params and 3 metrics each, straight into SQLite. */
function fillRuns(tl: Threadline, n: number): void {
  const db = tl.store.sqlite!;
  const run = db.prepare(`insert into runs (run_id, experiment_id, name, status, user_id, start_time, end_time, lifecycle_stage, artifact_uri) values (?, '0', ?, 'FINISHED', 'bench', ?, ?, 'active', ?)`);
  const param = db.prepare('insert into params (run_id, key, value) values (?, ?, ?)');
  const latest = db.prepare('insert into latest_metrics (run_id, key, value, timestamp, step, is_nan) values (?, ?, ?, ?, 0, 0)');
  db.transaction(() => {
    for (let i = 0; i < n; i += 1) {
      const id = i.toString(16).padStart(32, '0');
      const start = 1_700_000_000_000 + i * 1000;
      run.run(id, `run-${i}`, start, start + 500, `threadline-artifacts:/${id}`);
      for (let p = 0; p < 3; p += 1) param.run(id, `p${p}`, `v${(i * 7 + p) % 10}`);
      for (let m = 0; m < 3; m += 1) latest.run(id, `m${m}`, ((i * 31 + m) % 1000) / 1000, start);
    }
  })();
}

/** A data version read by `fan` runs, each of which wrote its own output: 1 + 2 × fan nodes downstream. */
async function fillGraph(tl: Threadline, fan: number): Promise<string> {
  const digest = (s: string) => `sha256:${Buffer.from(s).toString('hex').padEnd(64, '0').slice(0, 64)}`;
  const data = (name: string) => ({ digest: digest(name), uri: `file:///lake/${name}`, format: 'csv' as const, files: [], totalSize: 1, rowCount: 1, schema: null });
  const input = data(`orders-${fan}`);
  const experiment = await tl.experiments.ensure(`graph-${fan}`);
  for (let i = 0; i < fan; i += 1) {
    const run = await tl.runs.create({ experimentId: experiment.experimentId, name: `g${fan}-${i}` });
    await tl.runs.recordData(run.runId, 'input', 'orders', input);
    await tl.runs.recordData(run.runId, 'output', 'features', data(`features-${fan}-${i}`));
  }
  return input.digest;
}

const big = await store('big');
const small = await store('small');
fillRuns(big, bigRuns);
fillRuns(small, smallRuns);
const graph1000 = await fillGraph(small, 500);
const graph100 = await fillGraph(small, 50);
const bigServer = await startServer(big, '127.0.0.1', 0);
const smallServer = await startServer(small, '127.0.0.1', 0);
const browser = await launchBrowser();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function firstLoad(page: Page, url: string, ready: () => Promise<unknown>): Promise<number> {
  await page.goto('about:blank');
  const began = Date.now();
  await page.goto(url);
  await ready();
  return Date.now() - began;
}

/** Scrolls the runs table a fixed distance each frame and returns each frame's duration (ms). */
async function scrollFrames(page: Page, url: string): Promise<number[]> {
  await page.goto(url);
  await page.getByTestId('runs-table').locator('a').first().waitFor();
  // A string, run in the page (bench/ is compiled without the DOM's types): down by ~20 rows a
  // frame, back to the top at the end (the small table ends fast); each frame's duration.
  return page.evaluate<number[]>(`(async () => {
    const table = document.querySelector('[data-testid=runs-table]');
    const times = [];
    let last = performance.now();
    for (let i = 0; i < ${frames}; i += 1) {
      await new Promise(requestAnimationFrame);
      const now = performance.now();
      times.push(now - last);
      last = now;
      if (table.scrollTop + table.clientHeight >= table.scrollHeight - 2) table.scrollTop = 0;
      else table.scrollTop += 600;
    }
    return times;
  })()`);
}

interface Layout {
  layoutMs: number;
  engine: string;
  engineMs: number;
  traceMs: number;
  tracedAt: number;
  totalMs: number;
  drawnMs: number;
  nodes: number;
}

async function layout(page: Page, digest: string): Promise<Layout> {
  const began = Date.now();
  await page.goto(`${smallServer.url}/lineage/data/${encodeURIComponent(digest)}?depth=2&direction=downstream`);
  const graph = await page.waitForSelector('[data-testid=graph][data-laid-out=yes]', { timeout: 60_000 });
  const totalMs = Date.now() - began;
  const nodes = await page.locator('.node-list li').count();
  // Until the page has drawn a frame after React Flow mounted the laid-out graph.
  await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
  const drawnMs = Date.now() - began;
  // The trace calls: how long each took, and when the last answered (from the navigation's start).
  const [traceMs, tracedAt] = await page.evaluate<[number, number]>(`(() => {
    const calls = performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/lineage/trace'));
    return [Math.max(0, ...calls.map((e) => e.duration)), Math.max(0, ...calls.map((e) => e.responseEnd))];
  })()`);
  return {
    layoutMs: Number(await graph.getAttribute('data-layout-ms')),
    engine: (await graph.getAttribute('data-engine')) ?? '?',
    engineMs: Number(await graph.getAttribute('data-engine-ms')),
    traceMs: Math.round(traceMs),
    tracedAt: Math.round(tracedAt),
    totalMs,
    drawnMs,
    nodes,
  };
}

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;
const { page } = browser;
try {
  const loads: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    loads.push(await firstLoad(page, `${smallServer.url}/`, () => page.getByRole('heading', { name: 'From any id to the whole thread' }).waitFor()));
    bare.push(await firstLoad(page, `${smallServer.url}/api/health/live`, () => page.waitForLoadState('load')));
  }
  const bigFrames = await scrollFrames(page, `${bigServer.url}/runs`);
  const bigLoaded = await page.getByTestId('run-count').textContent();
  const smallFrames = await scrollFrames(page, `${smallServer.url}/runs?experiment=0`);
  const layouts = { 1000: [] as Layout[], 100: [] as Layout[] };
  for (let i = 0; i < 3; i += 1) {
    layouts[100].push(await layout(page, graph100));
    layouts[1000].push(await layout(page, graph1000));
  }
  const lay = (k: 100 | 1000) => {
    const m = (f: (l: Layout) => number) => median(layouts[k].map(f));
    return { engine: layouts[k][0]!.engine, engineMs: m((l) => l.engineMs), layout: m((l) => l.layoutMs), trace: m((l) => l.traceMs), tracedAt: m((l) => l.tracedAt), total: m((l) => l.totalMs), drawn: m((l) => l.drawnMs), nodes: layouts[k][0]!.nodes };
  };
  const [l100, l1000] = [lay(100), lay(1000)];
  const layLine = (l: ReturnType<typeof lay>) =>
    `${l.engine} ${l.engineMs} ms in the worker, ${l.layout} ms asked to answered; trace API ${l.trace} ms, answered ${l.tracedAt} ms into the page; page to laid out ${l.total} ms, to drawn ${l.drawn} ms`;

  console.log(`first load of /            median ${median(loads)} ms  (bare JSON answer in the same browser: ${median(bare)} ms)   target < 1000 ms`);
  console.log(`runs table, ${bigRuns.toLocaleString('en')} runs   frame p95 ${p95(bigFrames).toFixed(1)} ms, max ${Math.max(...bigFrames).toFixed(1)} ms over ${frames} frames (${bigLoaded} loaded while scrolling)`);
  console.log(`runs table, ${smallRuns} runs       frame p95 ${p95(smallFrames).toFixed(1)} ms, max ${Math.max(...smallFrames).toFixed(1)} ms`);
  console.log(`lineage layout, ${l1000.nodes} nodes  ${layLine(l1000)}   target < 1000 ms`);
  console.log(`lineage layout, ${l100.nodes} nodes   ${layLine(l100)}`);
  console.log(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  printBenchResult('web-ui', {
    'first load / bare JSON load': median(loads) / median(bare),
    'scroll p95: 100k runs / 100 runs': p95(bigFrames) / p95(smallFrames),
    'layout asked to answered: 1000 nodes / 100 nodes': l1000.layout / Math.max(1, l100.layout),
    'layout asked to answered 1000 nodes, ms': l1000.layout,
    'lineage page to drawn 1000 nodes, ms': l1000.drawn,
    'first load, ms': median(loads),
  });
} finally {
  await browser.close();
  await bigServer.app.close();
  await smallServer.app.close();
  await big.close();
  await small.close();
}
