/**
 * A JSON request body → one tensor per model input, checked against the session's metadata
 * (names, dtypes, shapes), and output tensors → JSON. Accepts MLflow's scoring formats
 * (`inputs`, `instances`, `dataframe_split`, `dataframe_records`) and a bare object keyed by input
 * name. Pure functions: the server maps `RequestError` to a 400.
 */

export interface InputSpec {
  name: string;
  /** onnxruntime's dtype name: float32, int64, bool, … */
  type: string;
  /** Fixed sizes as numbers, symbolic dimensions (`batch`) as strings; empty when unknown. */
  shape: readonly (number | string)[];
}

export type RequestErrorCode = 'BAD_REQUEST' | 'INVALID_PARAMETER_VALUE';

export class RequestError extends Error {
  constructor(
    readonly code: RequestErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type TensorData = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array | boolean[] | string[];

export interface Feed {
  type: string;
  data: TensorData;
  dims: number[];
}

/** The dtypes a JSON body can fill, with how each leaf value is checked and stored. */
const dtypes: Record<string, { accepts: string; ok: (v: unknown) => boolean; array: (values: unknown[]) => TensorData }> = {
  float32: numeric('numbers', (v) => Float32Array.from(v as number[])),
  float64: numeric('numbers', (v) => Float64Array.from(v as number[])),
  int8: integer(-128, 127, (v) => Int8Array.from(v as number[])),
  uint8: integer(0, 255, (v) => Uint8Array.from(v as number[])),
  int16: integer(-32768, 32767, (v) => Int16Array.from(v as number[])),
  uint16: integer(0, 65535, (v) => Uint16Array.from(v as number[])),
  int32: integer(-(2 ** 31), 2 ** 31 - 1, (v) => Int32Array.from(v as number[])),
  uint32: integer(0, 2 ** 32 - 1, (v) => Uint32Array.from(v as number[])),
  int64: integer(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, (v) => BigInt64Array.from(v as number[], BigInt)),
  uint64: integer(0, Number.MAX_SAFE_INTEGER, (v) => BigUint64Array.from(v as number[], BigInt)),
  bool: { accepts: 'true/false', ok: (v) => typeof v === 'boolean', array: (v) => v as boolean[] },
  string: { accepts: 'strings', ok: (v) => typeof v === 'string', array: (v) => v as string[] },
};

export const supportedInputTypes = Object.keys(dtypes);

function numeric(accepts: string, array: (values: unknown[]) => TensorData) {
  return { accepts, ok: (v: unknown) => typeof v === 'number' && Number.isFinite(v), array };
}

function integer(min: number, max: number, array: (values: unknown[]) => TensorData) {
  return { accepts: `integers from ${min} to ${max}`, ok: (v: unknown) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max, array };
}

export const formatShape = (shape: readonly (number | string)[]) => `[${shape.join(', ')}]`;
const describeInput = (i: InputSpec) => `'${i.name}' ${formatShape(i.shape)} (${i.type})`;
const describeInputs = (inputs: readonly InputSpec[]) => inputs.map(describeInput).join(', ');

const envelopes = ['inputs', 'instances', 'dataframe_split', 'dataframe_records'] as const;

/** The request body → the value for each model input, by MLflow's rules. */
export function inputValues(body: unknown, inputs: readonly InputSpec[]): Map<string, unknown> {
  if (Array.isArray(body)) return fromInputs(body, inputs);
  if (!isObject(body)) throw new RequestError('BAD_REQUEST', `the request body must be a JSON object or array; the model expects ${describeInputs(inputs)}`);
  const given = envelopes.filter((key) => key in body);
  if (given.length > 1) throw new RequestError('BAD_REQUEST', `give exactly one of ${envelopes.join(', ')}; the body has ${given.join(' and ')}`);
  switch (given[0]) {
    case 'inputs':
      return fromInputs(body.inputs, inputs);
    case 'instances':
      return fromInstances(body.instances, inputs);
    case 'dataframe_split':
      return fromDataframeSplit(body.dataframe_split, inputs);
    case 'dataframe_records':
      return fromRecords(body.dataframe_records, inputs);
  }
  if (Object.keys(body).length > 0 && Object.keys(body).every((key) => inputs.some((i) => i.name === key))) return fromInputs(body, inputs);
  throw new RequestError('BAD_REQUEST', `the body must hold one of ${envelopes.join(', ')} (MLflow's scoring formats) or an object keyed by the model's inputs: ${describeInputs(inputs)}`);
}

/** `inputs`: one tensor for a single-input model, or `{name: tensor}`. */
function fromInputs(value: unknown, inputs: readonly InputSpec[]): Map<string, unknown> {
  if (isObject(value)) return byName(value, inputs, 'inputs');
  return single(value, inputs, 'inputs');
}

/** `instances`: rows; each row is either the single input's row or `{name: value}`. */
function fromInstances(value: unknown, inputs: readonly InputSpec[]): Map<string, unknown> {
  if (!Array.isArray(value)) throw new RequestError('BAD_REQUEST', `'instances' must be a list of rows`);
  if (value.length > 0 && value.every(isObject)) return columns(value as Record<string, unknown>[], inputs, 'instances');
  return single(value, inputs, 'instances');
}

/** `dataframe_split`: columns named after inputs give one input each; otherwise the rows are a single input's matrix. */
function fromDataframeSplit(value: unknown, inputs: readonly InputSpec[]): Map<string, unknown> {
  if (!isObject(value) || !Array.isArray(value.data) || !value.data.every(Array.isArray)) {
    throw new RequestError('BAD_REQUEST', `'dataframe_split' must be {"columns": [...], "data": [[...], ...]}`);
  }
  const data = value.data as unknown[][];
  const names = Array.isArray(value.columns) ? value.columns.map(String) : [];
  if (names.length > 0 && inputs.every((i) => names.includes(i.name))) {
    return new Map(inputs.map((i) => [i.name, data.map((row) => row[names.indexOf(i.name)])]));
  }
  if (inputs.length === 1) return new Map([[inputs[0]!.name, data]]);
  const missing = inputs.filter((i) => !names.includes(i.name)).map((i) => `'${i.name}'`);
  throw new RequestError('INVALID_PARAMETER_VALUE', `missing input ${missing.join(', ')}: the 'dataframe_split' columns must name the model's inputs ${describeInputs(inputs)}`);
}

/** `dataframe_records`: `[{column: value}, ...]`, read as `dataframe_split`. */
function fromRecords(value: unknown, inputs: readonly InputSpec[]): Map<string, unknown> {
  if (!Array.isArray(value) || !value.every(isObject)) throw new RequestError('BAD_REQUEST', `'dataframe_records' must be a list of {column: value} objects`);
  const names = Object.keys(value[0] ?? {});
  return fromDataframeSplit({ columns: names, data: (value as Record<string, unknown>[]).map((row) => names.map((n) => row[n])) }, inputs);
}

function single(value: unknown, inputs: readonly InputSpec[], where: string): Map<string, unknown> {
  if (inputs.length !== 1) throw new RequestError('INVALID_PARAMETER_VALUE', `the model has ${inputs.length} inputs: '${where}' must name them, as {${inputs.map((i) => `"${i.name}": …`).join(', ')}}; expected ${describeInputs(inputs)}`);
  return new Map([[inputs[0]!.name, value]]);
}

function byName(value: Record<string, unknown>, inputs: readonly InputSpec[], where: string): Map<string, unknown> {
  const unknown = Object.keys(value).filter((key) => !inputs.some((i) => i.name === key));
  if (unknown.length > 0) throw new RequestError('INVALID_PARAMETER_VALUE', `'${where}' has ${unknown.map((k) => `'${k}'`).join(', ')}, which the model does not take; it expects ${describeInputs(inputs)}`);
  return new Map(inputs.filter((i) => i.name in value).map((i) => [i.name, value[i.name]]));
}

function columns(rows: Record<string, unknown>[], inputs: readonly InputSpec[], where: string): Map<string, unknown> {
  for (const [n, row] of rows.entries()) byName(row, inputs, `${where}[${n}]`);
  return new Map(inputs.filter((i) => rows.every((row) => i.name in row)).map((i) => [i.name, rows.map((row) => row[i.name])]));
}

/** Every input present, rectangular, of the expected shape and dtype → feeds for `session.run`. */
export function toFeeds(body: unknown, inputs: readonly InputSpec[]): Record<string, Feed> {
  const values = inputValues(body, inputs);
  const feeds: Record<string, Feed> = {};
  // A symbolic dimension (`batch`) is one size across all inputs: broadcasting would hide a mismatch.
  const symbols = new Map<string, { size: number; input: string }>();
  for (const input of inputs) {
    if (!values.has(input.name)) throw new RequestError('INVALID_PARAMETER_VALUE', `missing input '${input.name}': the model expects ${describeInputs(inputs)}`);
    const feed = toFeed(values.get(input.name), input);
    input.shape.forEach((d, i) => {
      if (typeof d !== 'string') return;
      const seen = symbols.get(d);
      if (seen && seen.size !== feed.dims[i]) throw new RequestError('INVALID_PARAMETER_VALUE', `input '${input.name}' has ${d} = ${feed.dims[i]} but input '${seen.input}' has ${d} = ${seen.size}; the model expects ${describeInputs(inputs)}`);
      symbols.set(d, { size: feed.dims[i]!, input: input.name });
    });
    feeds[input.name] = feed;
  }
  return feeds;
}

function toFeed(value: unknown, input: InputSpec): Feed {
  const dtype = dtypes[input.type];
  if (!dtype) throw new RequestError('INVALID_PARAMETER_VALUE', `input '${input.name}' has dtype ${input.type}, which cannot be given as JSON`);
  const dims = shapeOf(value, input);
  const expected = input.shape;
  const fits = expected.length === 0 || (dims.length === expected.length && expected.every((d, i) => typeof d === 'string' || d < 0 || d === dims[i]));
  if (!fits) throw new RequestError('INVALID_PARAMETER_VALUE', `input '${input.name}' has shape ${formatShape(dims)}; the model expects shape ${formatShape(expected)} (${input.type})`);
  const leaves = dims.length === 0 ? [value] : (value as unknown[]).flat(dims.length - 1);
  const bad = leaves.findIndex((v) => !dtype.ok(v));
  if (bad >= 0) throw new RequestError('INVALID_PARAMETER_VALUE', `input '${input.name}' must hold ${dtype.accepts} (${input.type}): item ${bad} is ${JSON.stringify(leaves[bad]) ?? 'missing'}; expected shape ${formatShape(expected)}`);
  return { type: input.type, data: dtype.array(leaves), dims };
}

/** The dimensions of a nested list, which must be rectangular. */
function shapeOf(value: unknown, input: InputSpec): number[] {
  const dims: number[] = [];
  for (let level: unknown = value; Array.isArray(level); level = level[0]) dims.push(level.length);
  const check = (node: unknown, depth: number, at: string): void => {
    if (depth === dims.length) {
      if (Array.isArray(node)) throw ragged(at);
      return;
    }
    if (!Array.isArray(node) || node.length !== dims[depth]) throw ragged(at);
    node.forEach((child, i) => check(child, depth + 1, `${at}[${i}]`));
  };
  const ragged = (at: string) => new RequestError('INVALID_PARAMETER_VALUE', `input '${input.name}' is not a rectangular array (at ${at || 'the top'}, expected ${dims.length}-dimensional ${formatShape(dims)}); the model expects shape ${formatShape(input.shape)} (${input.type})`);
  check(value, 0, '');
  return dims;
}

/** An output tensor → nested JSON lists; int64 as numbers, when they fit exactly, else strings. */
export function toJson(data: ArrayLike<unknown>, dims: readonly number[]): unknown {
  const flat = Array.from(data, (v) => (typeof v === 'bigint' ? (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString()) : v));
  if (dims.length === 0) return flat[0];
  const nest = (offset: number, depth: number): unknown[] => {
    const size = dims[depth]!;
    if (depth === dims.length - 1) return flat.slice(offset, offset + size);
    const stride = dims.slice(depth + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: size }, (_, i) => nest(offset + i * stride, depth + 1));
  };
  return nest(0, 0);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
