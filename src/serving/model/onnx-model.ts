import fs from 'node:fs';
import path from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { parse as parseYaml } from 'yaml';
import { ThreadlineError } from '../../errors.js';
import type { ServedModel } from './materialize.js';
import { listenModelHttp, type ModelHttpServer } from './model-http.js';
import { RequestError, supportedInputTypes, toFeeds, toJson, type InputSpec } from './onnx-input.js';

/** What an MLmodel file says about the model, when the folder has one. */
export interface MlmodelInfo {
  flavors: string[];
  /** The onnx flavor's model file, resolved inside the folder. */
  onnxFile?: string;
}

/** Reads `MLmodel` (MLflow's model descriptor); undefined when there is none. */
export function readMlmodel(dir: string): MlmodelInfo | undefined {
  const file = path.join(dir, 'MLmodel');
  if (!fs.existsSync(file)) return undefined;
  let doc: unknown;
  try {
    doc = parseYaml(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ThreadlineError('FAILED_PRECONDITION', `${file} is not valid YAML: ${(error as Error).message}`);
  }
  const flavors = (doc as { flavors?: Record<string, { data?: unknown } | null> } | null)?.flavors ?? {};
  const data = flavors.onnx?.data;
  if (!('onnx' in flavors)) return { flavors: Object.keys(flavors) };
  const onnxFile = path.resolve(dir, typeof data === 'string' ? data : 'model.onnx');
  if (!onnxFile.startsWith(path.resolve(dir) + path.sep)) throw new ThreadlineError('FAILED_PRECONDITION', `${file}: the onnx flavor's data '${String(data)}' is outside the model folder`);
  return { flavors: Object.keys(flavors), onnxFile };
}

/** The folder's ONNX model: the MLmodel onnx flavor's file, else its one top-level `*.onnx`. */
export function findOnnxModel(dir: string, mlmodel = readMlmodel(dir)): string | undefined {
  if (mlmodel?.onnxFile) {
    if (!fs.existsSync(mlmodel.onnxFile)) throw new ThreadlineError('FAILED_PRECONDITION', `${path.join(dir, 'MLmodel')} names ${path.relative(dir, mlmodel.onnxFile)} for its onnx flavor, but the model has no such file`);
    return mlmodel.onnxFile;
  }
  const found = fs.readdirSync(dir).filter((f) => f.endsWith('.onnx') && fs.statSync(path.join(dir, f)).isFile()).sort();
  if (found.length > 1) throw new ThreadlineError('FAILED_PRECONDITION', `${dir} holds ${found.length} ONNX files (${found.join(', ')}): add an MLmodel with an onnx flavor naming the one to serve`);
  return found[0] && path.join(dir, found[0]);
}

export interface OnnxModelServer extends ModelHttpServer {
  inputs: InputSpec[];
  outputs: InputSpec[];
}

/**
 * Serves an ONNX model through onnxruntime-node on a loopback port. One InferenceSession, created
 * here and reused by every request; `POST /predict` and `/invocations` take MLflow's scoring
 * formats, feed the model's inputs by name and answer `{predictions}`: the one output's values,
 * or `{output name: values}` when the model has several. Input that does not fit the model's
 * metadata is a 400 naming the input and the expected shape.
 */
export async function startOnnxModel(model: ServedModel, file: string): Promise<OnnxModelServer> {
  // Loaded here, not at the top: JavaScript and --command models never pay for the native binding.
  const ort = await import('onnxruntime-node');
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(file);
  } catch (error) {
    throw new ThreadlineError('FAILED_PRECONDITION', `onnxruntime could not load ${file}: ${(error as Error).message}`);
  }
  const specs = (metadata: readonly InferenceSession.ValueMetadata[], kind: string) =>
    metadata.map((m): InputSpec => {
      if (!m.isTensor) throw new ThreadlineError('FAILED_PRECONDITION', `${model.name}: ${kind} '${m.name}' is not a tensor; only tensor inputs and outputs can be served as JSON`);
      return { name: m.name, type: m.type, shape: [...m.shape] };
    });
  const inputs = specs(session.inputMetadata, 'input');
  const outputs = specs(session.outputMetadata, 'output');
  const unsupported = inputs.filter((i) => !supportedInputTypes.includes(i.type));
  if (unsupported.length > 0) {
    await session.release();
    throw new ThreadlineError('FAILED_PRECONDITION', `${file}: input ${unsupported.map((i) => `'${i.name}' (${i.type})`).join(', ')} cannot be given as JSON; supported dtypes: ${supportedInputTypes.join(', ')}`);
  }

  const predict = async (text: string) => {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new RequestError('BAD_REQUEST', 'the request body must be JSON');
    }
    const feeds = Object.fromEntries(Object.entries(toFeeds(body, inputs)).map(([name, f]) => [name, new ort.Tensor(f.type as Tensor.Type, f.data as never, f.dims)]));
    let results: InferenceSession.OnnxValueMapType;
    try {
      // The error goes back to the caller in the 400; onnxruntime need not also print it.
      results = await session.run(feeds, { logSeverityLevel: 4 });
    } catch (error) {
      // Metadata passed but a node rejected the values (a dimension only an inner op constrains).
      throw new RequestError('INVALID_PARAMETER_VALUE', `the model could not run on this input: ${(error as Error).message}`);
    }
    const values = outputs.map((o) => {
      const tensor = results[o.name] as Tensor;
      return [o.name, toJson(tensor.type === 'bool' ? Array.from(tensor.data as Uint8Array, Boolean) : (tensor.data as ArrayLike<unknown>), tensor.dims)] as const;
    });
    return values.length === 1 ? values[0]![1] : Object.fromEntries(values);
  };

  const server = await listenModelHttp(async (text) => {
    try {
      return { status: 200, body: { predictions: await predict(text) } };
    } catch (error) {
      if (error instanceof RequestError) return { status: 400, body: { error_code: error.code, message: error.message } };
      throw error;
    }
  });
  return {
    ...server,
    inputs,
    outputs,
    async close() {
      await server.close();
      await session.release();
    },
  };
}
