// wrk (Debian) as the load generator of the HTTP benchmarks: closed loop, a JSON POST per request.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface WrkResult {
  requests: number;
  /** Responses with a 2xx or 3xx status (wrk counts the others apart). */
  ok: number;
  rate: number;
  errors: number;
  p50: number;
  p99: number;
}

const script = (body: string) => `wrk.method = "POST"\nwrk.body = ${JSON.stringify(body)}\nwrk.headers["Content-Type"] = "application/json"\n`;

/** `wrk -t threads -c connections -d seconds --latency` against `url`, parsed. */
export function wrk(url: string, options: { body: string; connections?: number; threads?: number; seconds: number; rate?: number }): Promise<WrkResult> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-wrk-')), 'post.lua');
  fs.writeFileSync(file, script(options.body));
  const args = ['-t', String(options.threads ?? 1), '-c', String(options.connections ?? 32), '-d', `${options.seconds}s`, '--latency', '-s', file, url];
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { timeout: (options.seconds + 30) * 1000 }, (error, stdout) => {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
      if (error) return reject(new Error(`wrk failed: ${error.message}`));
      resolve(parseWrk(stdout));
    });
  });
}

const ms = (value: string, unit: string) => Number(value) * (unit === 'us' ? 0.001 : unit === 's' ? 1000 : 1);

export function parseWrk(out: string): WrkResult {
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  const latency = (p: string) => {
    const m = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
    return m ? ms(m[1]!, m[2]!) : NaN;
  };
  return { requests, ok: requests - non2xx, rate: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN), errors, p50: latency('50'), p99: latency('99') };
}
