import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../src/release/deploy/local-process.js';
import { openThreadline } from '../src/context.js';
import { runCli } from './cli.js';
import { freshDatabaseUrl } from './dialects.js';
import { startCli, type LongRunning } from './serve.js';

/**
 * The server goes away while `threadline run` is in flight and comes back (a replica restarted):
 * the CLI retries its idempotent calls, the command's exit status stays the command's, and the
 * run is finished on the server.
 */
describe('threadline run across a server restart', () => {
  it('keeps exit 0 and finishes the run', { timeout: 180_000 }, async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-outage-'));
    const port = await freePort();
    const serverEnv = { THREADLINE_DB_URL: await freshDatabaseUrl('postgres'), THREADLINE_HOME: home, THREADLINE_ARTIFACTS: path.join(home, 'artifacts'), THREADLINE_URL: '' };
    let server: LongRunning = await startCli(['server', '--port', String(port)], { cwd: home, env: serverEnv });
    let restarted: Promise<LongRunning> | undefined;
    const run = await runCli(['run', '--', process.execPath, '-e', 'setTimeout(() => {}, 3000)'], {
      cwd: home,
      // The new replica takes seconds to start (more on a loaded CI machine): a long enough budget.
      env: { THREADLINE_URL: server.url, THREADLINE_HOME: home, THREADLINE_RETRY_TIMEOUT: '120s' },
      onStderr: (soFar) => {
        if (restarted || !/run [0-9a-f]{32} started/.test(soFar)) return;
        // kill -9 while the command runs; a new replica on the same address a moment later.
        server.child.kill('SIGKILL');
        restarted = new Promise((r) => setTimeout(r, 1000)).then(() => startCli(['server', '--port', String(port)], { cwd: home, env: serverEnv }));
      },
    });
    expect(restarted).toBeDefined();
    server = await restarted!;
    try {
      expect([run.code, run.stderr]).toEqual([0, expect.stringMatching(/finished \(exit 0\)/)]);
      const runId = /run ([0-9a-f]{32}) started/.exec(run.stderr)![1]!;
      const tl = await openThreadline({ databaseUrl: serverEnv.THREADLINE_DB_URL, artifactsUrl: serverEnv.THREADLINE_ARTIFACTS, s3: { region: 'us-east-1', forcePathStyle: true } });
      try {
        expect((await tl.runs.info(runId)).status).toBe('FINISHED');
      } finally {
        await tl.close();
      }
    } finally {
      await server.stop();
    }
  });
});
