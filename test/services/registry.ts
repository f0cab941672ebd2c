import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/release/deploy/local-process.js';

export interface RegistryServer {
  /** `127.0.0.1:<port>`, as written in image references. */
  host: string;
  stop(): Promise<void>;
}

/**
 * A real OCI registry (Debian `docker-registry`, the CNCF distribution server) on loopback, with
 * its storage in a temp dir. It cannot take port 0, so a free port is picked just before.
 */
export async function startRegistry(): Promise<RegistryServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-registry-'));
  const port = await freePort();
  const config = ['version: 0.1', 'log:', '  level: error', 'storage:', '  filesystem:', `    rootdirectory: ${path.join(dir, 'data')}`, 'http:', `  addr: 127.0.0.1:${port}`, ''].join('\n');
  fs.writeFileSync(path.join(dir, 'config.yml'), config);
  const child = spawn('/usr/bin/docker-registry', ['serve', path.join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 20_000;
  while ((await status(`http://127.0.0.1:${port}/v2/`)) !== 200) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      throw new Error(`docker-registry did not start on ${port}: ${stderr.slice(-500)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    host: `127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function status(url: string): Promise<number> {
  return new Promise((resolve) => {
    http.get(url, (res) => (res.resume(), resolve(res.statusCode ?? 0))).once('error', () => resolve(0));
  });
}

