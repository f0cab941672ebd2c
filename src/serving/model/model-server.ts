import { ThreadlineError } from '../../errors.js';
import { startCommand } from './command-model.js';
import { findJsModel, jsModelFiles, startJsModel } from './js-model.js';
import type { ServedModel } from './materialize.js';
import { findOnnxModel, readMlmodel, startOnnxModel } from './onnx-model.js';

export type ModelKind = 'onnx' | 'javascript' | 'command';

export interface ModelServer {
  kind: ModelKind;
  url: string;
  /** Added to the `/health` answer: what the model takes and gives, when it is known. */
  describe?: Record<string, unknown>;
  close(): Promise<void>;
}

/**
 * Picks how to serve the model's files: `--command` when given; an MLmodel with an onnx flavor;
 * a JavaScript module (predict.mjs, …); a lone `*.onnx` file. The image entrypoint and the local
 * deploy target both come through here (`threadline serve`).
 */
export async function startModelServer(model: ServedModel, command?: string): Promise<ModelServer> {
  if (command) return { kind: 'command', ...(await startCommand(model, command)) };
  const mlmodel = readMlmodel(model.dir);
  const onnx = mlmodel?.onnxFile ? findOnnxModel(model.dir, mlmodel) : findJsModel(model.dir) ? undefined : findOnnxModel(model.dir, mlmodel);
  if (onnx) {
    const server = await startOnnxModel(model, onnx);
    return { kind: 'onnx', url: server.url, close: server.close, describe: { flavor: 'onnx', inputs: server.inputs, outputs: server.outputs } };
  }
  if (findJsModel(model.dir)) return { kind: 'javascript', ...(await startJsModel(model)) };
  const flavors = mlmodel ? ` (its MLmodel has the flavors ${mlmodel.flavors.join(', ') || 'none'})` : '';
  throw new ThreadlineError('FAILED_PRECONDITION', `nothing to serve in ${model.dir}${flavors}: threadline serve runs a JavaScript model (${jsModelFiles.join(' / ')}) or an ONNX model (MLmodel onnx flavor or a *.onnx file); use --command to serve another kind`);
}
