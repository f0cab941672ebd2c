// nginx (Debian) as a reverse proxy with a request id and a JSON access log of request bodies:
// the anchor bench/proxy.ts prints beside `threadline proxy`. Config in a temp folder, run in the
// foreground on 127.0.0.1, one worker (as the proxy is one process).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface Nginx {
  url: string;
  pid: number;
  /** Lines written to its JSON access log so far. */
  logged(): number;
  stop(): Promise<void>;
}

export function nginxInstalled(): boolean {
  return fs.existsSync('/usr/sbin/nginx');
}

export async function startNginx(upstream: string): Promise<Nginx> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-bench-nginx-'));
  const port = await freePort();
  const up = new URL(upstream);
  const log = path.join(dir, 'predictions.log');
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `${name}_temp_path ${path.join(dir, name)};`).join('\n  ');
  fs.writeFileSync(
    path.join(dir, 'nginx.conf'),
    `worker_processes 1;
pid ${path.join(dir, 'nginx.pid')};
error_log ${path.join(dir, 'error.log')} warn;
events { worker_connections 4096; }
http {
  ${temp}
  log_format predictions escape=json '{"request_id":"$request_id","time":"$time_iso8601","method":"$request_method","uri":"$request_uri","status":$status,"request_time":$request_time,"request_body":"$request_body"}';
  upstream model { server ${up.hostname}:${up.port}; keepalive 128; }
  server {
    listen 127.0.0.1:${port};
    access_log ${log} predictions buffer=64k flush=1s;
    keepalive_requests 1000000;
    location / {
      client_body_buffer_size 64k;
      proxy_pass http://model;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Request-Id $request_id;
      add_header X-Request-Id $request_id always;
    }
  }
}
`,
  );
  const child = spawn('/usr/sbin/nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const end = Date.now() + 10_000;
  for (;;) {
    if (await accepts(port)) break;
    if (Date.now() > end || child.exitCode !== null) throw new Error(`nginx did not start: ${fs.existsSync(path.join(dir, 'error.log')) ? fs.readFileSync(path.join(dir, 'error.log'), 'utf8') : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    logged: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').length - 1 : 0),
    async stop() {
      child.kill('SIGQUIT'); // graceful: flushes the buffered access log
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' }, () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
