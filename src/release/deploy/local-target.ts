import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, stopServer, waitHealthy } from './local-process.js';
import type { TargetOutcome, TargetRequest } from './target.js';

/**
 * Starts `threadline serve MODEL/VERSION --port P --deployment ENV#N` in the background (its own
 * process group, output to server.log, pid in server.pid) and waits for GET /health to answer 200.
 * A server that does not get healthy in time is killed and the deployment fails.
 */
export async function deployLocal(request: TargetRequest): Promise<TargetOutcome> {
  const { subject, options } = request;
  const port = options.port ?? (await freePort());
  await fs.promises.mkdir(request.folder, { recursive: true });
  const logPath = path.join(request.folder, 'server.log');
  const pidPath = path.join(request.folder, 'server.pid');
  const log = fs.openSync(logPath, 'a');
  // The same threadline that runs now (node, its loader flags, its entry script) serves.
  const argv = [...process.execArgv, process.argv[1]!, 'serve', `${subject.modelName}/${subject.modelVersion}`, '--port', String(port), '--deployment', request.deploymentId];
  const child = spawn(process.execPath, argv, { detached: true, stdio: ['ignore', log, log], env: { ...(options.env ?? process.env), THREADLINE_DEPLOYMENT: request.deploymentId } });
  fs.closeSync(log);
  let exited = false;
  child.once('exit', () => (exited = true));
  child.unref();
  const pid = child.pid!;
  await fs.promises.writeFile(pidPath, `${pid}\n`);
  const url = `http://127.0.0.1:${port}`;
  // The host: pid and paths mean something only there (the record may be a shared server's).
  const details = { host: os.hostname(), pid, port, url, logPath, pidPath };
  const health = await waitHealthy(`${url}/health`, options.healthTimeoutMs ?? 60_000, () => exited, request.deploymentId);
  if (health === 'ok') return { ok: true, details };
  await stopServer(pid, request.deploymentId, 1000);
  const why = health === 'exited' ? `the server exited before it was healthy (see ${logPath})` : `GET ${url}/health did not answer 200 within ${options.healthTimeoutMs ?? 60_000} ms (see ${logPath})`;
  return { ok: false, details: { ...details, error: why } };
}
