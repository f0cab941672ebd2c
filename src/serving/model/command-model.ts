import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { ThreadlineError } from '../../errors.js';
import type { ServedModel } from './materialize.js';

/**
 * Runs any model server (`--command "uvicorn app:app --port {port}"`) on an internal loopback
 * port, with the model's identity in its environment the way the seed's FastAPI app reads it
 * (GIT_SHA, git_sha, THREADLINE_RUN_ID, run_id, THREADLINE_MODEL, MODEL_DIR), and waits until
 * it accepts connections.
 */
export async function startCommand(model: ServedModel, command: string, timeoutMs = 60_000): Promise<{ url: string; child: ChildProcess; close(): Promise<void> }> {
  const port = await freePort();
  const env = {
    ...process.env,
    MODEL_DIR: model.dir,
    THREADLINE_MODEL: model.version === null ? model.name : `${model.name}/${model.version}`,
    ...(model.runId && { THREADLINE_RUN_ID: model.runId, run_id: model.runId }),
    ...(model.gitSha && { GIT_SHA: model.gitSha, git_sha: model.gitSha }),
  };
  const child = spawn('/bin/sh', ['-c', command.replaceAll('{port}', String(port))], { env, stdio: ['ignore', 'inherit', 'inherit'], detached: false });
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = signal ?? `exit ${code}`));
  const deadline = Date.now() + timeoutMs;
  while (!(await accepts(port))) {
    if (exited) throw new ThreadlineError('UNAVAILABLE', `the model server command ended (${exited}) before listening on port ${port}`);
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new ThreadlineError('UNAVAILABLE', `the model server command did not listen on port ${port} within ${timeoutMs / 1000}s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    async close() {
      if (exited) return;
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await done;
      clearTimeout(timer);
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
