import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { failedPrecondition, unavailable } from '../../errors.js';
import { isOurServer } from '../../release/deploy/local-process.js';
import type { DeploymentDetails } from '../../release/deploy/types.js';
import { readDeploymentObject, type RunningDeployment } from './running.js';

export interface LocalHealth {
  up: boolean;
  pid: number | null;
  alive: boolean;
  url: string | null;
  /** The status of GET /health, or why it did not answer. */
  health: string;
}

/**
 * A local deployment is up when its server process still runs (`serve … --deployment ID`, as
 * local-process.ts checks before stopping one) and GET /health answers 200 within the timeout.
 */
export async function probeLocal(deploymentId: string, details: DeploymentDetails, timeoutMs: number): Promise<LocalHealth> {
  let pid = typeof details.pid === 'number' ? details.pid : null;
  if (pid === null && typeof details.pidPath === 'string') {
    const text = fs.existsSync(details.pidPath) ? fs.readFileSync(details.pidPath, 'utf8').trim() : '';
    pid = /^\d+$/.test(text) ? Number(text) : null;
  }
  const alive = pid !== null && isOurServer(pid, deploymentId);
  const url = typeof details.url === 'string' ? details.url : null;
  let health = 'no url recorded';
  let healthy = url === null;
  if (url) {
    try {
      const res = await fetch(`${url.replace(/\/$/, '')}/health`, { signal: AbortSignal.timeout(timeoutMs) });
      await res.body?.cancel();
      health = `HTTP ${res.status}`;
      healthy = res.status === 200;
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      health = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (cause ?? (error as Error).message);
    }
  }
  return { up: alive && healthy, pid, alive, url, health };
}

/** `kubectl get deployment -o json` with the kubeconfig: what the cluster runs. */
export function kubectlDeployments(options: { kubectl: string; kubeconfig: string; namespace?: string; timeoutMs: number }): Promise<RunningDeployment[]> {
  const args = ['get', 'deployment', '-o', 'json', '--kubeconfig', options.kubeconfig, `--request-timeout=${Math.ceil(options.timeoutMs / 1000)}s`, ...(options.namespace ? ['-n', options.namespace] : ['--all-namespaces'])];
  return new Promise((resolve, reject) => {
    execFile(options.kubectl, args, { maxBuffer: 64 * 1024 * 1024, timeout: options.timeoutMs + 5000 }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        return reject(failedPrecondition(`${options.kubectl} is not installed (or not on PATH): the deployment observer needs kubectl to read the cluster of ${options.kubeconfig}`));
      }
      if (error) {
        const why = stderr.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? error.message;
        return reject(unavailable(`kubectl ${args.join(' ')} failed: ${why}`));
      }
      try {
        resolve(parseKubectlList(stdout));
      } catch (e) {
        reject(unavailable(`kubectl get deployment -o json gave no JSON: ${(e as Error).message}`));
      }
    });
  });
}

/** The `List` that `kubectl get deployment -o json` prints → the Deployments in it. */
export function parseKubectlList(stdout: string): RunningDeployment[] {
  const list = JSON.parse(stdout) as { items?: unknown[] };
  return (list.items ?? [])
    .map((item) => {
      const meta = (item as { metadata?: { namespace?: string; name?: string } }).metadata;
      return readDeploymentObject(item, `kubernetes:${meta?.namespace ?? 'default'}/${meta?.name ?? '?'}`);
    })
    .filter((d): d is RunningDeployment => d !== null);
}
