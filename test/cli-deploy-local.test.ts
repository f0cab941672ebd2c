import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { alive, makeGitRepo, runCli } from './cli.js';
import { dialects, freshDatabaseUrl } from './dialects.js';

const trainScript = `
const fs = require('node:fs');
fs.mkdirSync('model', { recursive: true });
fs.writeFileSync('model/model.json', JSON.stringify({ n: 1 }));
if (!process.env.NO_PREDICT) fs.writeFileSync('model/predict.mjs', 'export const load = () => ({}); export async function predict(input) { return input; }');
else fs.rmSync('model/predict.mjs', { force: true });
`;

describe.each(dialects)('threadline deploy --target local on %s', (dialect) => {
  it('starts threadline serve in the background until healthy, replaces and rolls back servers, stops, and fails an unhealthy one', { timeout: 300_000 }, async () => {
    const repo = makeGitRepo({ 'train.js': trainScript, '.gitignore': '.threadline/\nmodel/\n' });
    const home = path.join(repo, '.threadline');
    const env = { THREADLINE_DB_URL: await freshDatabaseUrl(dialect), THREADLINE_HOME: home, THREADLINE_URL: '', THREADLINE_DEPLOY_HEALTH_TIMEOUT_MS: '60000' };
    const cli = (args: string[], extra: NodeJS.ProcessEnv = {}) => runCli(args, { cwd: repo, env: { ...env, ...extra } });
    const pids: number[] = [];
    try {
      const runId = (await cli(['run', '--output', 'model', '--', 'node', 'train.js'])).stdout.trim();
      await cli(['models', 'register', 'reco', '--run', runId, '--artifact', 'model']);
      const broken = (await cli(['run', '--output', 'model', '--', 'node', 'train.js'], { NO_PREDICT: '1' })).stdout.trim();
      expect((await cli(['models', 'register', 'reco', '--run', broken, '--artifact', 'model'])).stdout).toBe('reco/2\n');

      const show = async (id: string) => JSON.parse((await cli(['deployments', 'show', id, '--json'])).stdout);
      const first = await cli(['deploy', 'reco/1', '--env', 'dev', '--target', 'local']);
      expect([first.code, first.stdout], first.stderr).toEqual([0, 'dev#1\n']);
      const one = await show('dev#1');
      pids.push(one.details.pid);
      expect(one.details).toMatchObject({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), logPath: path.join(home, 'deployments/dev/1/server.log') });
      expect(fs.readFileSync(path.join(home, 'deployments/dev/1/server.pid'), 'utf8').trim()).toBe(String(one.details.pid));
      const health = await fetch(`${one.details.url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', model: 'reco', version: 1, run_id: runId, deployment: 'dev#1' });

      const second = await cli(['deploy', 'reco/1', '--env', 'dev', '--target', 'local']);
      expect(second.stdout).toBe('dev#2\n');
      const two = await show('dev#2');
      pids.push(two.details.pid);
      expect(alive(one.details.pid)).toBe(false);
      expect((await show('dev#1')).status).toBe('replaced');
      expect(((await (await fetch(`${two.details.url}/health`)).json()) as { deployment: string }).deployment).toBe('dev#2');

      const back = await cli(['rollback', '--env', 'dev']);
      expect([back.code, back.stdout], back.stderr).toEqual([0, 'dev#3\n']);
      const three = await show('dev');
      pids.push(three.details.pid);
      expect(three).toMatchObject({ id: 'dev#3', target: 'local', reason: 'rollback', replacedId: 'dev#2', status: 'deployed' });
      expect(alive(two.details.pid)).toBe(false);

      // A model the server cannot load: it exits, the deployment fails, dev#3 keeps running.
      const bad = await cli(['deploy', 'reco/2', '--env', 'dev', '--target', 'local']);
      expect([bad.code, bad.stdout]).toEqual([1, 'dev#4\n']);
      expect(bad.stderr).toContain('dev#4 failed: the server exited before it was healthy');
      expect((await show('dev#4')).status).toBe('failed');
      expect((await show('dev')).id).toBe('dev#3');
      expect(alive(three.details.pid)).toBe(true);

      const stopped = await cli(['deployments', 'stop', 'dev']);
      expect([stopped.code, stopped.stdout]).toEqual([0, 'dev#3\n']);
      expect(alive(three.details.pid)).toBe(false);
      expect((await show('dev#3')).status).toBe('stopped');
      expect((await cli(['deployments', 'show', 'dev'])).code).toBe(3);

      // Replaced on its own port (as the demo does): the old server stops first and the new one
      // answers there; an old server's 200 never passes the new one's health check.
      const port = await freePort();
      const onPort = await cli(['deploy', 'reco/1', '--env', 'qa', '--target', 'local', '--port', String(port)]);
      expect([onPort.code, onPort.stdout], onPort.stderr).toEqual([0, 'qa#1\n']);
      const firstOnPort = await show('qa#1');
      pids.push(firstOnPort.details.pid);
      const again = await cli(['deploy', 'reco/1', '--env', 'qa', '--target', 'local', '--port', String(port)]);
      expect([again.code, again.stdout], again.stderr).toEqual([0, 'qa#2\n']);
      const secondOnPort = await show('qa#2');
      pids.push(secondOnPort.details.pid);
      expect(secondOnPort).toMatchObject({ status: 'deployed', details: { port } });
      expect(alive(firstOnPort.details.pid)).toBe(false);
      expect((await show('qa#1')).status).toBe('replaced');
      expect(((await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { deployment: string }).deployment).toBe('qa#2');
    } finally {
      for (const pid of pids) if (alive(pid)) process.kill(-pid, 'SIGKILL');
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
