import fs from 'node:fs';
import net from 'node:net';

/** A free loopback port, as the OS hands one out. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers 200, the process exits, or `timeoutMs` passes. */
export async function waitHealthy(url: string, timeoutMs: number, exited: () => boolean, deployment?: string): Promise<'ok' | 'exited' | 'timeout'> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited()) return 'exited';
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      // Another server on the port (the one being replaced) answers 200 too: only ours counts.
      const body = (await res.json().catch(() => ({}))) as { deployment?: unknown };
      if (res.status === 200 && (deployment === undefined || body.deployment === deployment)) return 'ok';
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return 'timeout';
}

/**
 * Stops the server of a local deployment: its whole process group (it was started detached),
 * only when the pid still runs `serve … --deployment ID` (a pid can be reused after a reboot).
 */
export async function stopServer(pid: number, deploymentId: string, graceMs = 5000): Promise<boolean> {
  if (!isOurServer(pid, deploymentId)) return false;
  signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && alive(pid)) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) signal(pid, 'SIGKILL');
  return true;
}

export function isOurServer(pid: number, deploymentId: string): boolean {
  try {
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.includes('serve') && argv.includes(deploymentId);
  } catch {
    return alive(pid) && process.platform !== 'linux';
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(-pid, name);
  } catch {
    try {
      process.kill(pid, name);
    } catch {
      // already gone
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
