import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ThreadlineError } from '../../errors.js';
import type { ServedModel } from './materialize.js';
import { listenModelHttp, type ModelHttpServer } from './model-http.js';

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
export async function startJsModel(model: ServedModel): Promise<ModelHttpServer> {
  const file = findJsModel(model.dir);
  if (!file) throw new ThreadlineError('FAILED_PRECONDITION', `no ${jsModelFiles.join(' / ')} in ${model.dir}: use --command to serve another kind of model`);
  const module = (await import(pathToFileURL(file).href)) as Partial<JsModelModule>;
  if (typeof module.predict !== 'function') throw new ThreadlineError('FAILED_PRECONDITION', `${file} does not export a predict(input, context) function`);
  const state = module.load ? await module.load(model.dir) : undefined;
  const context = { model: model.name, version: model.version, runId: model.runId, gitSha: model.gitSha, dir: model.dir, state };

  return listenModelHttp(async (text) => {
    let input: unknown;
    try {
      input = JSON.parse(text);
    } catch {
      return { status: 400, body: { error_code: 'INVALID_ARGUMENT', message: 'the request body must be JSON' } };
    }
    try {
      return { status: 200, body: { predictions: await module.predict!(input, context) } };
    } catch (error) {
      return { status: 400, body: { error_code: 'INVALID_ARGUMENT', message: `predict failed: ${(error as Error).message}` } };
    }
  });
}
