import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openThreadline } from '../src/context.js';
import { endReasonTag } from '../src/tracking/run-tags.js';
import { makeGitRepo, runCli, waitFor } from './cli.js';
import { freshDatabaseUrl } from './dialects.js';

// The command starts a grandchild too, and writes both pids once both are up.
const parentScript = `
const { spawn } = require('node:child_process');
const grandchild = spawn('sleep', ['300'], { stdio: 'ignore' });
require('node:fs').writeFileSync('pids', process.pid + ' ' + grandchild.pid);
setInterval(() => {}, 1000);
`;

/** Alive and not a zombie (an orphan may wait to be reaped by an init that never reaps). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('threadline run killed with -9', () => {
  it('takes its command (and what that started) down with it, and runs gc ends the run', async () => {
    const repo = makeGitRepo({ 'parent.js': parentScript, '.gitignore': '.threadline/\npids\n' });
    const databaseUrl = await freshDatabaseUrl('sqlite');
    const env = { THREADLINE_DB_URL: databaseUrl, THREADLINE_HOME: path.join(repo, '.threadline'), THREADLINE_URL: '', THREADLINE_RUN_HEARTBEAT_INTERVAL: '200ms' };
    let cliPid = 0;
    let runId = '';
    const pending = runCli(['run', '--', 'node', 'parent.js'], {
      cwd: repo,
      env,
      onSpawn: (pid) => (cliPid = pid),
      onStderr: (text) => (runId = /run ([0-9a-f]{32}) started/.exec(text)?.[1] ?? runId),
    });
    await waitFor(() => fs.existsSync(path.join(repo, 'pids')) && fs.readFileSync(path.join(repo, 'pids'), 'utf8').includes(' '), 60_000);
    const [childPid, grandchildPid] = fs.readFileSync(path.join(repo, 'pids'), 'utf8').split(' ').map(Number) as [number, number];
    expect(alive(childPid) && alive(grandchildPid)).toBe(true);
    process.kill(cliPid, 'SIGKILL');
    const result = await pending;
    expect(result.signal).toBe('SIGKILL');
    await waitFor(() => !alive(childPid) && !alive(grandchildPid), 15_000);

    const artifactsUrl = path.join(repo, '.threadline/artifacts');
    const open = () => openThreadline({ databaseUrl, artifactsUrl, s3: { region: 'us-east-1', forcePathStyle: true } });
    const tl = await open();
    try {
      expect((await tl.runs.info(runId)).status).toBe('RUNNING');
    } finally {
      await tl.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const gc = await runCli(['runs', 'gc', '--older-than', '1s'], { cwd: repo, env });
    expect(gc.code).toBe(0);
    expect(gc.stdout.trim()).toBe(runId);
    const after = await open();
    try {
      const run = await after.runs.get(runId);
      expect(run.info.status).toBe('KILLED');
      expect(run.tags[endReasonTag]).toMatch(/no heartbeat since/);
    } finally {
      await after.close();
    }
  }, 180_000);
});
