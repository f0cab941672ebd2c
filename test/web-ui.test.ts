import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';
import type { Page } from 'playwright-core';
import { alive, git, makeGitRepo, repoRoot, runCli, type CliResult } from './cli.js';
import { dialects, freshDatabaseUrl } from './dialects.js';
import { startServerProcess } from './serve.js';
import { ThreadlineClient } from '../src/sdk/client.js';
import { launchBrowser, seriousViolations, type Browser } from './browser.js';

// Screenshots of each page, where the test run keeps its output: one folder per dialect.
const shotsRoot = path.join(repoRoot, 'test-output', 'web-ui');
const example = (file: string) => fs.readFileSync(path.join(repoRoot, 'examples/recommender', file), 'utf8');
/** A column whose values move far between two versions of a file: the data observer's drift test must flag it. */
const stream = (shift: number) => ['id,amount', ...Array.from({ length: 300 }, (_, i) => `${i},${(10 + ((i * 7) % 20) + shift).toFixed(1)}`)].join('\n') + '\n';

/** A 1x1 PNG, for the image preview. */
const onePixelPng = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

// The UI as `npm run build` makes it, from the source under test, built once while the first store is seeded; one browser for both dialects.
let building: Promise<unknown>;
let browser: Browser | undefined;
beforeAll(() => {
  fs.rmSync(shotsRoot, { recursive: true, force: true });
  building = build({ configFile: path.join(repoRoot, 'web/vite.config.ts'), logLevel: 'warn' });
  // Awaited by the first dialect's setup; this only keeps a failure from being reported as unhandled before then.
  building.catch(() => undefined);
});
afterAll(async () => {
  await browser?.close();
});

/**
 * The UI in Debian's chromium against `threadline server`, on a store seeded by the demo's flow
 * (train, register, alias, deploy locally, serve a prediction and a refused one, train and deploy
 * v2) and two looks of the data observer: from a prediction id to its graph, run (its artifact
 * tree), commit and data, then a rollback from the deployments page; the prediction log filtered
 * and paged by the server; observer health and drift charts. On SQLite and on PostgreSQL.
 */
describe.each(dialects)('the web UI in a real browser on %s', (dialect) => {
  const shots = path.join(shotsRoot, dialect);
  let repo: string;
  let cli: (...args: string[]) => Promise<{ code: number | null; stdout: string; stderr: string }>;
  let env: Record<string, string>;
  /** `predictions list` three ways, run during the setup (they only read the log); on SQLite. */
  let cliLooks: Promise<[CliResult, CliResult, CliResult, CliResult]>;
  let server: Awaited<ReturnType<typeof startServerProcess>>;
  let predictionId: string;
  let refusedId: string;
  let runId: string;
  /** Where this dialect's requests start in browser.requested. */
  let requestedFrom = 0;
  const pids: number[] = [];

  beforeAll(async () => {
    fs.mkdirSync(shots, { recursive: true });
    repo = makeGitRepo({ 'train.mjs': example('train.mjs'), 'data/orders.csv': example('data/orders.csv'), '.gitignore': '.threadline/\nmodel/\nnode_modules/\n' }, 'https://git.example.com/acme/recommender.git');
    // As the demo does: the training script logs through `threadline/sdk`, as if installed from npm.
    if (!fs.existsSync(path.join(repoRoot, 'dist/sdk/index.js'))) throw new Error('the demo model logs through dist/sdk: run `npm run build` first');
    fs.mkdirSync(path.join(repo, 'node_modules'));
    fs.symlinkSync(repoRoot, path.join(repo, 'node_modules/threadline'));
    env = { THREADLINE_DB_URL: await freshDatabaseUrl(dialect), THREADLINE_HOME: path.join(repo, '.threadline'), THREADLINE_URL: '', THREADLINE_DEPLOY_HEALTH_TIMEOUT_MS: '60000' };
    const cliIn = (cwd: string) => async (...args: string[]) => {
      const result = await runCli(args, { cwd, env });
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
      return result;
    };
    cli = cliIn(repo);
    const train = async (name: string, k: string, id: string) =>
      (await cli('run', '--experiment', 'amazon-recommender', '--name', name, '--input', 'data/orders.csv', '--output', 'model', '--param', `k=${k}`, '--', 'node', 'train.mjs', '--data', 'data/orders.csv', '--out', 'model/model.json', '--k', k, '--job_id', '42', '--run_id', id)).stdout.trim();
    const deployed = async () => JSON.parse((await cli('deployments', 'show', 'prod', '--json')).stdout) as { details: { url: string; pid: number } };

    const run1 = await train('amazon-recommender', '5', '777');
    runId = run1;
    // Meanwhile (the store made by now), the data observer looks twice at a file of its own, outside the repo whose commit the runs record.
    const watched = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-web-observe-'));
    fs.writeFileSync(path.join(watched, 'threadline.yaml'), 'observe:\n  data:\n    - { name: stream, path: stream.csv, min_age: 0s }\n');
    fs.writeFileSync(path.join(watched, 'stream.csv'), stream(0));
    const observing = (async () => {
      await cliIn(watched)('observe', '--once');
      fs.writeFileSync(path.join(watched, 'stream.csv'), stream(40));
      await cliIn(watched)('observe', '--once');
    })();
    observing.catch(() => undefined);
    await cli('models', 'register', 'amazon-recommender', '--run', run1, '--artifact', 'model', '--tag', `GIT_SHA=${git(repo, 'rev-parse', 'HEAD')}`);
    // v2 trained and registered while v1 is deployed and asked.
    const second = (async () => {
      const run2 = await train('amazon-recommender-k10', '10', '778');
      await cli('models', 'register', 'amazon-recommender', '--run', run2, '--artifact', 'model');
    })();
    second.catch(() => undefined);
    await cli('models', 'alias', 'amazon-recommender', 'champion', '1');
    await cli('deploy', 'amazon-recommender@champion', '--env', 'prod', '--target', 'local');
    const first = await deployed();
    pids.push(first.details.pid);
    const answer = (await (await fetch(`${first.details.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"basket": ["dog-toy-rope"]}' })).json()) as { prediction_id: string };
    predictionId = answer.prediction_id;
    // A request the model refuses: logged too, with its 4xx.
    const refused = await fetch(`${first.details.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"basket": [' });
    expect(refused.status).toBe(400);
    refusedId = refused.headers.get('x-threadline-prediction-id') ?? '';
    expect(refusedId).toMatch(/^[0-9a-f-]{36}$/);
    // The server, and the CLI's look at the log once both predictions are in it (written in the background), while v2 is deployed.
    const serving = startServerProcess(env, repo);
    const logged = serving.then(async ({ url }) => {
      for (const id of [predictionId, refusedId]) for (let i = 0; i < 50 && (await fetch(`${url}/api/predictions/${id}`)).status !== 200; i += 1) await new Promise((r) => setTimeout(r, 200));
    });
    if (dialect === 'sqlite') {
      cliLooks = logged.then(() =>
        Promise.all([
          runCli(['predictions', 'list', '--status', 'error', '--json'], { cwd: repo, env }),
          runCli(['predictions', 'list', '--limit', '1'], { cwd: repo, env }),
          runCli(['predictions', 'list', '--status', 'ok', '--limit', '1'], { cwd: repo, env }),
          runCli(['predictions', 'list', '--status', 'fine'], { cwd: repo, env }),
        ]),
      );
      cliLooks.catch(() => undefined);
    }

    await second;
    await cli('models', 'alias', 'amazon-recommender', 'champion', '2');
    await cli('deploy', 'amazon-recommender@champion', '--env', 'prod', '--target', 'local');
    pids.push((await deployed()).details.pid);
    server = await serving;
    // Beside the model, what an evaluation step would leave: a CSV and a chart, uploaded through the SDK.
    const client = new ThreadlineClient(server.url);
    fs.writeFileSync(path.join(repo, 'holdout.csv'), 'customer,bought,"recommended, top 2"\nc1,dog-toy-rope,"dog-bowl, dog-treats"\nc2,cat-food,cat-toy\n');
    fs.writeFileSync(path.join(repo, 'curve.png'), Buffer.from(onePixelPng, 'base64'));
    await client.uploadArtifact(run1, 'eval/holdout.csv', path.join(repo, 'holdout.csv'));
    await client.uploadArtifact(run1, 'eval/curve.png', path.join(repo, 'curve.png'), 'image/png');
    await client.close();
    await logged;
    await observing;
    await building;
    browser ??= await launchBrowser();
    requestedFrom = browser.requested.length;
  }, 240_000);

  afterAll(async () => {
    await server?.stop();
    if (repo) await runCli(['deployments', 'stop', 'prod'], { cwd: repo, env: { THREADLINE_HOME: path.join(repo, '.threadline') } }).catch(() => undefined);
    for (const pid of pids) if (alive(pid)) process.kill(-pid, 'SIGKILL');
  });

  const check = async (page: Page, name: string) => {
    expect(await seriousViolations(page), `accessibility of ${name}`).toEqual([]);
    await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
  };
  const nodeButton = (page: Page, type: string) => page.locator('.node-list button', { hasText: new RegExp(`^${type}: `) }).first();
  const laidOut = (page: Page) => page.waitForSelector('[data-testid=graph][data-laid-out=yes]');

  it('goes from a prediction id to its graph, run, commit and data, rolls back from the page, and the thread stays', { timeout: 180_000 }, async () => {
    const { page } = browser!;
    await page.goto(`${server.url}/`);
    await page.getByRole('heading', { name: 'From any id to the whole thread' }).waitFor();
    await check(page, 'home');

    // Search: the prediction id lands on the prediction, with its thread.
    await page.getByRole('searchbox').first().fill(predictionId);
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/predictions/${predictionId}`);
    const thread = page.getByTestId('thread');
    await expect.poll(() => thread.textContent()).toContain('deployment prod#1');
    const threadBefore = await thread.textContent();
    expect(threadBefore).toMatch(/code +git\.example\.com\/acme\/recommender @ [0-9a-f]{7}/);
    await check(page, 'prediction');

    // Its graph: deployment, model, run, code and data all drawn, laid out by ELK.
    await page.getByRole('link', { name: 'Open its graph' }).click();
    await page.waitForURL('**/lineage/prediction/**');
    await laidOut(page);
    for (const type of ['deployment', 'model version', 'run', 'code', 'data', 'environment']) await expect(nodeButton(page, type).isVisible(), type).resolves.toBe(true);
    expect(await page.locator('.react-flow__node').count()).toBeGreaterThanOrEqual(7);
    await check(page, 'lineage');

    // Walk to the run, then its commit and its data.
    await nodeButton(page, 'run').click();
    await page.getByRole('link', { name: 'Open run' }).click();
    await page.waitForURL('**/runs/**');
    await page.getByRole('heading', { name: /^Run “amazon-recommender”/ }).waitFor();
    const commit = git(repo, 'rev-parse', 'HEAD');
    await expect.poll(() => page.locator('main').textContent()).toContain(commit);
    await expect.poll(() => page.locator('main').textContent()).toContain('5,223');
    expect(await page.locator('main').textContent()).toContain('job_id');
    // Its artifacts as a tree: the model folder opened by keyboard, its size summed up, model.json previewed pretty-printed (train.mjs writes it indented by one).
    const { artifacts } = (await (await fetch(`${server.url}/api/runs/${runId}`)).json()) as { artifacts: { path: string }[] };
    const inModel = artifacts.filter((a) => a.path.startsWith('model/')).length;
    expect(inModel).toBeGreaterThanOrEqual(2);
    const folder = page.getByRole('list', { name: 'Artifacts' }).getByRole('button', { name: 'model/', exact: true });
    expect(await folder.getAttribute('aria-expanded')).toBe('false');
    await expect(page.getByRole('button', { name: 'Preview model/model.json' }).count()).resolves.toBe(0);
    await folder.focus();
    await page.keyboard.press('Enter');
    expect(await folder.getAttribute('aria-expanded')).toBe('true');
    expect(await folder.locator('xpath=..').textContent()).toContain(`${inModel} files`);
    await page.getByRole('button', { name: 'Preview model/model.json' }).click();
    const preview = page.locator('pre[aria-label="Preview of model/model.json"]');
    await expect.poll(() => preview.textContent()).toContain('{\n  "type": "item-cooccurrence",\n  "k": 5,');
    expect(await page.getByRole('link', { name: 'Download model/model.json' }).getAttribute('href')).toMatch(/^\/api\/blobs\/sha256%3A[0-9a-f]{64}$/);
    // The evaluation folder: the CSV as a table (quoted commas kept in their cell), the chart as an image.
    await page.getByRole('button', { name: 'eval/', exact: true }).click();
    await page.getByRole('button', { name: 'Preview eval/holdout.csv' }).click();
    const csv = page.getByRole('region', { name: 'Preview of eval/holdout.csv' });
    await expect.poll(() => csv.locator('th').allTextContents()).toEqual(['customer', 'bought', 'recommended, top 2']);
    expect(await csv.locator('tbody tr').first().locator('td').allTextContents()).toEqual(['c1', 'dog-toy-rope', 'dog-bowl, dog-treats']);
    await page.getByRole('button', { name: 'Preview eval/curve.png' }).click();
    const image = page.getByRole('img', { name: 'eval/curve.png' });
    await image.waitFor();
    // A string, run in the page (this file has no DOM types): the bytes decoded as a PNG.
    await expect.poll(() => page.evaluate<number>(`document.querySelector('img[alt="eval/curve.png"]').naturalWidth`)).toBe(1);
    await page.getByRole('button', { name: 'Preview model/model.json' }).click();
    await expect.poll(() => preview.textContent()).toContain('"type": "item-cooccurrence"');
    await check(page, 'run');
    await page.getByRole('link', { name: /^Lineage of commit / }).click();
    await laidOut(page);
    await expect(nodeButton(page, 'run').isVisible()).resolves.toBe(true);
    await page.goBack();
    await page.getByRole('link', { name: 'Lineage of this data' }).first().click();
    await page.waitForURL('**/lineage/data/**');
    await laidOut(page);
    // Downstream from the data: both runs that read it, and what came of them.
    await expect.poll(() => page.locator('.node-list button', { hasText: /^run: / }).count()).toBe(2);

    // The deployment timeline: v2 runs now; roll back, confirmed, from the page.
    await page.getByRole('link', { name: 'Deployments' }).click();
    await page.getByRole('link', { name: 'prod' }).click();
    const timeline = page.getByTestId('timeline');
    await expect.poll(() => timeline.locator('li').first().textContent()).toMatch(/prod#2 \(runs now\)/);
    await check(page, 'deployments-prod');
    await page.getByRole('button', { name: 'Roll back…' }).click();
    await page.getByRole('dialog').getByText('prod#2 (amazon-recommender/2) will be replaced by amazon-recommender/1').waitFor();
    await page.getByRole('button', { name: 'Confirm rollback' }).click();
    await page.getByText('rolled back: prod#3 deployed').waitFor({ timeout: 90_000 });
    await expect.poll(() => timeline.locator('li').first().textContent()).toMatch(/prod#3 \(runs now\) deployed · rollback · amazon-recommender\/1/);
    const current = JSON.parse((await cli('deployments', 'show', 'prod', '--json')).stdout) as { id: string; details: { pid: number } };
    pids.push(current.details.pid);
    expect(current.id).toBe('prod#3');

    // The prediction's thread is what it was: it was served by prod#1, whatever runs now.
    await page.goto(`${server.url}/predictions/${predictionId}`);
    await expect.poll(() => page.getByTestId('thread').textContent()).toBe(threadBefore);
  });

  it('shows every page without a serious accessibility violation, in both themes, and by keyboard', { timeout: 90_000 }, async () => {
    const { page } = browser!;
    const pages: [string, string, RegExp][] = [
      ['runs', '/runs', /amazon-recommender-k10/],
      ['models', '/models', /amazon-recommender/],
      ['model', '/models/amazon-recommender', /champion/],
      ['deployments', '/deployments', /prod#3/],
      ['predictions', '/predictions', new RegExp(predictionId)],
    ];
    for (const [name, url, text] of pages) {
      await page.goto(server.url + url);
      await expect.poll(() => page.locator('main').textContent(), { message: name }).toMatch(text);
      await check(page, name);
    }
    // The prediction log filtered by the server: the refused prediction alone, then the served one alone.
    const asked = (status: string) => browser!.requested.slice(requestedFrom).some((url) => url.startsWith(`${server.url}/api/predictions?`) && new URL(url).searchParams.get('status') === status);
    await page.goto(`${server.url}/predictions?status=error`);
    const table = page.getByTestId('predictions');
    await expect.poll(() => table.textContent()).toContain(refusedId);
    expect(await table.textContent()).not.toContain(predictionId);
    expect(asked('error')).toBe(true);
    await check(page, 'predictions-errors');
    await page.getByRole('combobox', { name: /^Status/ }).selectOption('ok');
    await expect.poll(() => table.textContent()).toContain(predictionId);
    expect(await table.textContent()).not.toContain(refusedId);
    expect(asked('ok')).toBe(true);
    // A page of one, newest first, then the older one asked for.
    await page.goto(`${server.url}/predictions?limit=1`);
    const count = page.getByTestId('prediction-count');
    await expect.poll(() => count.textContent()).toBe('1 shown, newest first');
    expect(await table.textContent()).toContain(refusedId);
    await page.getByRole('button', { name: 'Older predictions' }).click();
    await expect.poll(() => count.textContent()).toBe('2 shown, newest first');
    expect(await table.textContent()).toContain(predictionId);
    expect(browser!.requested.slice(requestedFrom).some((url) => new URL(url).searchParams.get('before')?.endsWith(`:${refusedId}`))).toBe(true);

    // Events: the data observer's health, and its drift result with the report's charts.
    await page.goto(`${server.url}/events`);
    const health = page.getByTestId('observer-health').locator('tbody tr', { hasText: 'data:stream' });
    await expect.poll(() => health.locator('td').nth(1).textContent()).toBe('up');
    expect(await health.locator('td').nth(5).textContent()).toBe('2');
    const drift = page.getByTestId('drift-result');
    await expect.poll(() => drift.locator('tbody tr', { hasText: 'amount' }).locator('td').last().textContent()).toBe('drift');
    expect(await drift.locator('.drift-chart svg').count()).toBeGreaterThanOrEqual(1);
    await check(page, 'events');

    await page.goto(`${server.url}/runs`);
    await expect.poll(() => page.getByTestId('run-count').textContent()).toBe('2 runs');
    const history = await page.goto(`${server.url}/models/amazon-recommender`);
    expect(history?.status()).toBe(200);
    await expect.poll(() => page.getByRole('list', { name: 'Alias history' }).locator('li').count()).toBe(2);

    // Dark theme, then the search box reached by keyboard alone.
    await page.goto(`${server.url}/`);
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
    await check(page, 'home-dark');
    // The first Tab reaches the skip link; it moves focus to the page's content.
    await page.goto(`${server.url}/models`);
    await page.getByRole('heading', { name: 'Models' }).waitFor();
    await page.keyboard.press('Tab');
    await expect.poll(() => page.evaluate<string>('document.activeElement.textContent')).toBe('Skip to content');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate<string>('document.activeElement.id')).toBe('main');

    // Nothing the pages did left loopback: every request went to this server (or stayed in the page).
    const requested = browser!.requested.slice(requestedFrom);
    const outside = requested.filter((url) => !url.startsWith(server.url) && !/^(data|blob):/.test(url));
    expect(outside).toEqual([]);
    expect(requested.filter((url) => url.startsWith(`${server.url}/api/`)).length).toBeGreaterThan(10);
  });

  // The flags are the CLI's own, whatever the store (the contract suite holds the API to both dialects): looked at once, on SQLite, to keep the run short.
  it.runIf(dialect === 'sqlite')('lists the same log by status from the CLI, hints at the older page, and refuses a bad filter in one line (run during the setup)', async () => {
    const [errors, newest, onlyOk, bad] = await cliLooks;
    expect([errors.code, newest.code, onlyOk.code], errors.stderr + newest.stderr + onlyOk.stderr).toEqual([0, 0, 0]);
    expect((JSON.parse(errors.stdout) as { id: string; status: number }[]).map((p) => [p.id, p.status])).toEqual([[refusedId, 400]]);
    // Newest of the two is the refused one; the ok one is older, and the hint says how to reach it.
    expect(newest.stdout).toContain(refusedId.slice(-8));
    expect(newest.stdout).not.toContain(predictionId.slice(-8));
    const served = (await (await fetch(`${server.url}/api/predictions/${refusedId}`)).json()) as { time: number };
    expect(newest.stderr).toBe(`threadline: older ones with --before ${served.time}:${refusedId}\n`);
    // The one ok prediction fills its page of one, and no older one exists: no hint.
    expect(onlyOk.stdout).toContain(predictionId.slice(-8));
    expect(onlyOk.stderr).toBe('');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^threadline: prediction query status: takes 'ok' \(below 400\), 'error' \(400 and up\) or an HTTP status code \(100-599\) \(INVALID_ARGUMENT\)\n$/);
  });
});
