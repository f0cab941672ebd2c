import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';
import type { Page } from 'playwright-core';
import { alive, git, makeGitRepo, repoRoot, runCli } from './cli.js';
import { freshDatabaseUrl } from './dialects.js';
import { startServerProcess } from './serve.js';
import { launchBrowser, seriousViolations, type Browser } from './browser.js';

// Screenshots of each page, where the test run keeps its output.
const shots = path.join(repoRoot, 'test-output', 'web-ui');
const example = (file: string) => fs.readFileSync(path.join(repoRoot, 'examples/recommender', file), 'utf8');

/**
 * The UI in Debian's chromium against `threadline server`, on a store seeded by the demo's flow
 * (train, register, alias, deploy locally, serve a prediction, train and deploy v2): from a
 * prediction id to its graph, run, commit and data, then a rollback from the deployments page.
 */
describe('the web UI in a real browser', () => {
  let repo: string;
  let cli: (...args: string[]) => Promise<{ code: number | null; stdout: string; stderr: string }>;
  let server: Awaited<ReturnType<typeof startServerProcess>>;
  let browser: Browser;
  let predictionId: string;
  const pids: number[] = [];

  beforeAll(async () => {
    fs.rmSync(shots, { recursive: true, force: true });
    fs.mkdirSync(shots, { recursive: true });
    // The UI as `npm run build` makes it, from the source under test.
    const building = build({ configFile: path.join(repoRoot, 'web/vite.config.ts'), logLevel: 'warn' });

    repo = makeGitRepo({ 'train.mjs': example('train.mjs'), 'data/orders.csv': example('data/orders.csv'), '.gitignore': '.threadline/\nmodel/\nnode_modules/\n' }, 'https://git.example.com/acme/recommender.git');
    // As the demo does: the training script logs through `threadline/sdk`, as if installed from npm.
    if (!fs.existsSync(path.join(repoRoot, 'dist/sdk/index.js'))) throw new Error('the demo model logs through dist/sdk: run `npm run build` first');
    fs.mkdirSync(path.join(repo, 'node_modules'));
    fs.symlinkSync(repoRoot, path.join(repo, 'node_modules/threadline'));
    const env = { THREADLINE_DB_URL: await freshDatabaseUrl('sqlite'), THREADLINE_HOME: path.join(repo, '.threadline'), THREADLINE_URL: '', THREADLINE_DEPLOY_HEALTH_TIMEOUT_MS: '60000' };
    cli = async (...args) => {
      const result = await runCli(args, { cwd: repo, env });
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
      return result;
    };
    const train = async (name: string, k: string, runId: string) =>
      (await cli('run', '--experiment', 'amazon-recommender', '--name', name, '--input', 'data/orders.csv', '--output', 'model', '--param', `k=${k}`, '--', 'node', 'train.mjs', '--data', 'data/orders.csv', '--out', 'model/model.json', '--k', k, '--job_id', '42', '--run_id', runId)).stdout.trim();
    const deployed = async () => JSON.parse((await cli('deployments', 'show', 'prod', '--json')).stdout) as { details: { url: string; pid: number } };

    const run1 = await train('amazon-recommender', '5', '777');
    await cli('models', 'register', 'amazon-recommender', '--run', run1, '--artifact', 'model', '--tag', `GIT_SHA=${git(repo, 'rev-parse', 'HEAD')}`);
    await cli('models', 'alias', 'amazon-recommender', 'champion', '1');
    await cli('deploy', 'amazon-recommender@champion', '--env', 'prod', '--target', 'local');
    const first = await deployed();
    pids.push(first.details.pid);
    const answer = (await (await fetch(`${first.details.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"basket": ["dog-toy-rope"]}' })).json()) as { prediction_id: string };
    predictionId = answer.prediction_id;

    const run2 = await train('amazon-recommender-k10', '10', '778');
    await cli('models', 'register', 'amazon-recommender', '--run', run2, '--artifact', 'model');
    await cli('models', 'alias', 'amazon-recommender', 'champion', '2');
    await cli('deploy', 'amazon-recommender@champion', '--env', 'prod', '--target', 'local');
    pids.push((await deployed()).details.pid);
    server = await startServerProcess(env, repo);
    // The prediction log writes in the background: wait until the prediction is there.
    for (let i = 0; i < 50 && (await fetch(`${server.url}/api/predictions/${predictionId}`)).status !== 200; i += 1) await new Promise((r) => setTimeout(r, 200));
    await building;
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
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
    const { page } = browser;
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
    const { page } = browser;
    const pages: [string, string, RegExp][] = [
      ['runs', '/runs', /amazon-recommender-k10/],
      ['models', '/models', /amazon-recommender/],
      ['model', '/models/amazon-recommender', /champion/],
      ['deployments', '/deployments', /prod#3/],
      ['predictions', '/predictions', new RegExp(predictionId)],
      ['events', '/events', /Events and observers/],
    ];
    for (const [name, url, text] of pages) {
      await page.goto(server.url + url);
      await expect.poll(() => page.locator('main').textContent(), { message: name }).toMatch(text);
      await check(page, name);
    }
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
    const outside = browser.requested.filter((url) => !url.startsWith(server.url) && !/^(data|blob):/.test(url));
    expect(outside).toEqual([]);
    expect(browser.requested.filter((url) => url.startsWith(`${server.url}/api/`)).length).toBeGreaterThan(10);
  });
});
