import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { freshDatabaseUrl } from '../../../test/dialects.js';
import { openThreadline, type Threadline } from '../../context.js';
import type { DialectName } from '../../store/database.js';
import { startServer } from '../server.js';

export interface MlflowHarness {
  tl: Threadline;
  url: string;
  /** GET with query fields (arrays become repeated keys), as MLflow's Python client sends them. */
  get(endpoint: string, query?: Record<string, string | number | string[]>): Promise<Response>;
  /** POST a JSON body, as MLflow's Python client sends it. */
  post(endpoint: string, body: unknown): Promise<Response>;
  close(): Promise<void>;
}

/** A real server on a loopback port over a fresh store of the given dialect, for the MLflow suites. */
export async function startMlflowHarness(dialect: DialectName, base = '/api/2.0/mlflow'): Promise<MlflowHarness> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-mlflow-'));
  const tl = await openThreadline({ databaseUrl: await freshDatabaseUrl(dialect), artifactsUrl: path.join(home, 'artifacts'), s3: { region: 'us-east-1', forcePathStyle: true } });
  const { app, url }: { app: FastifyInstance; url: string } = await startServer(tl, '127.0.0.1', 0);
  return {
    tl,
    url,
    get(endpoint, query = {}) {
      const search = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) for (const v of [value].flat()) search.append(key, String(v));
      const qs = search.toString();
      return fetch(`${url}${base}/${endpoint}${qs ? `?${qs}` : ''}`);
    },
    post(endpoint, body) {
      return fetch(`${url}${base}/${endpoint}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    },
    async close() {
      await app.close();
      await tl.close();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

/** The status and parsed JSON of a response, for one-line expectations. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON body: each test asserts the fields it reads
export async function answer(response: Response | Promise<Response>): Promise<{ status: number; body: Record<string, any> }> {
  const r = await response;
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : {} };
}
