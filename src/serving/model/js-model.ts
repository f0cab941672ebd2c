import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ThreadlineError } from '../../errors.js';
import type { ServedModel } from './materialize.js';

/** What a JavaScript model module exports. */
interface JsModelModule {
  predict(input: unknown, context: Record<string, unknown>): unknown;
  load?(dir: string): unknown;
}

export const jsModelFiles = ['predict.mjs', 'predict.js', 'index.mjs'];

export function findJsModel(dir: string): string | undefined {
  return jsModelFiles.map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
}

/**
 * Serves a JavaScript model on a loopback port: `POST /predict` and `POST /invocations` (as
 * MLflow's scoring server) take a JSON body and answer `{predictions: predict(body, context)}`.
 * The tracing proxy sits in front of it.
 */
export async function startJsModel(model: ServedModel): Promise<{ url: string; close(): Promise<void> }> {
  const file = findJsModel(model.dir);
  if (!file) throw new ThreadlineError('FAILED_PRECONDITION', `no ${jsModelFiles.join(' / ')} in ${model.dir}: use --command to serve another kind of model`);
  const module = (await import(pathToFileURL(file).href)) as Partial<JsModelModule>;
  if (typeof module.predict !== 'function') throw new ThreadlineError('FAILED_PRECONDITION', `${file} does not export a predict(input, context) function`);
  const state = module.load ? await module.load(model.dir) : undefined;
  const context = { model: model.name, version: model.version, runId: model.runId, gitSha: model.gitSha, dir: model.dir, state };

  const server = http.createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
    };
    if (req.method !== 'POST' || (req.url !== '/predict' && req.url !== '/invocations')) return send(404, { error_code: 'NOT_FOUND', message: `No route for ${req.method} ${req.url}: POST /predict or /invocations` });
    let text = '';
    for await (const chunk of req) text += chunk;
    let input: unknown;
    try {
      input = JSON.parse(text);
    } catch {
      return send(400, { error_code: 'INVALID_ARGUMENT', message: 'the request body must be JSON' });
    }
    try {
      send(200, { predictions: await module.predict!(input, context) });
    } catch (error) {
      send(400, { error_code: 'INVALID_ARGUMENT', message: `predict failed: ${(error as Error).message}` });
    }
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
