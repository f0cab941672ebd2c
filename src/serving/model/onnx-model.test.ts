import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureFiles, linearClassifier, linearClassifierSpec } from './fixtures/fixture-models.js';
import { encodeModel } from './fixtures/onnx-writer.js';
import type { ServedModel } from './materialize.js';
import { startModelServer, type ModelServer } from './model-server.js';
import { findOnnxModel } from './onnx-model.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** The classifier computed in plain JS with float32 weights: what onnxruntime must agree with. */
function classify(row: number[]): { probabilities: number[]; label: number } {
  const f = Math.fround;
  const logits = linearClassifier.bias.map((b, j) => f(b) + row.reduce((sum, x, i) => sum + f(x) * f(linearClassifier.weights[i]![j]!), 0));
  const max = Math.max(...logits);
  const exps = logits.map((l) => Math.exp(l - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return { probabilities: exps.map((e) => e / total), label: logits.indexOf(max) };
}

function modelDir(files: Record<string, string | Buffer>): ServedModel {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-onnx-'));
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return { name: 'm', version: 1, dir, runId: null, gitSha: null };
}

const fixture = (name: keyof typeof fixtureFiles) => fs.readFileSync(path.join(fixtures, name));

async function post(server: ModelServer, body: unknown, route = '/invocations') {
  const res = await request(`${server.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.statusCode, body: (await res.body.json()) as { predictions?: unknown; error_code?: string; message?: string } };
}

function expectClose(actual: unknown, expected: number[][]) {
  const rows = actual as number[][];
  expect(rows).toHaveLength(expected.length);
  rows.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - expected[i]![j]!)).toBeLessThan(1e-6)));
}

describe('ONNX fixtures', () => {
  it('are what the writer produces from their specs (make-fixtures.ts regenerates them)', () => {
    for (const [file, spec] of Object.entries(fixtureFiles)) expect(encodeModel(spec).equals(fs.readFileSync(path.join(fixtures, file)))).toBe(true);
  });
});

describe('ONNX model server', () => {
  const rows = [
    [1, 2, 3, 4],
    [0, 0, 0, 0],
    [-1.5, 0.25, 2, -3],
  ];
  let classifier: ModelServer;
  let sum: ModelServer;
  beforeAll(async () => {
    classifier = await startModelServer(modelDir({ 'MLmodel': 'flavors:\n  onnx:\n    data: model.onnx\n    onnx_version: 1.12.0\n  python_function:\n    loader_module: mlflow.onnx\n', 'model.onnx': fixture('linear-classifier.onnx') }));
    sum = await startModelServer(modelDir({ 'mixed-sum.onnx': fixture('mixed-sum.onnx') }));
  });
  afterAll(async () => {
    await classifier?.close();
    await sum?.close();
  });

  it('describes the inputs and outputs from the session metadata', () => {
    expect(classifier.kind).toBe('onnx');
    expect(classifier.describe).toEqual({
      flavor: 'onnx',
      inputs: [{ name: 'features', type: 'float32', shape: ['batch', 4] }],
      outputs: [
        { name: 'probabilities', type: 'float32', shape: ['batch', 3] },
        { name: 'label', type: 'int64', shape: ['batch'] },
      ],
    });
  });

  it('answers every MLflow input format with the same predictions as a plain JS computation', async () => {
    const expected = rows.map(classify);
    const bodies = [
      { inputs: rows },
      { inputs: { features: rows } },
      { instances: rows },
      { instances: rows.map((features) => ({ features })) },
      { dataframe_split: { columns: ['f0', 'f1', 'f2', 'f3'], data: rows } },
      { dataframe_split: { columns: ['features'], data: rows.map((r) => [r]) } },
      { dataframe_records: rows.map((r) => ({ f0: r[0], f1: r[1], f2: r[2], f3: r[3] })) },
      { features: rows },
      rows,
    ];
    for (const [i, body] of bodies.entries()) {
      const res = await post(classifier, body, i % 2 === 0 ? '/invocations' : '/predict');
      expect(res.status, JSON.stringify(body)).toBe(200);
      const predictions = res.body.predictions as { probabilities: number[][]; label: number[] };
      expectClose(predictions.probabilities, expected.map((e) => e.probabilities));
      expect(predictions.label).toEqual(expected.map((e) => e.label));
    }
  });

  it('feeds several inputs of several dtypes by name', async () => {
    const a = [
      [0.5, -1.25],
      [1e-3, 7],
    ];
    const b = [
      [3, -4],
      [9007199254740991, 0],
    ];
    const expected = a.map((row, i) => row.map((v, j) => v + b[i]![j]!));
    for (const body of [{ inputs: { a, b } }, { dataframe_split: { columns: ['b', 'a'], data: [0, 1].map((i) => [b[i], a[i]]) } }, { instances: [0, 1].map((i) => ({ a: a[i], b: b[i] })) }]) {
      const res = await post(sum, body);
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(res.body.predictions).toEqual(expected);
    }
  });

  it('answers bad input with a 400 naming the input and the expected shape, and keeps serving', async () => {
    const cases: [unknown, string, RegExp][] = [
      ['not json', 'BAD_REQUEST', /must be JSON/],
      [{ something: 1 }, 'BAD_REQUEST', /inputs, instances, dataframe_split, dataframe_records .*'features' \[batch, 4\] \(float32\)/],
      [{ inputs: [[1, 2, 3]] }, 'INVALID_PARAMETER_VALUE', /input 'features' has shape \[1, 3\]; the model expects shape \[batch, 4\] \(float32\)/],
      [{ inputs: [1, 2, 3, 4] }, 'INVALID_PARAMETER_VALUE', /input 'features' has shape \[4\]; the model expects shape \[batch, 4\]/],
      [{ inputs: [[1, 2, 3, 4], [1, 2, 3]] }, 'INVALID_PARAMETER_VALUE', /input 'features' is not a rectangular array .*expects shape \[batch, 4\]/],
      [{ inputs: [[1, 2, 'x', 4]] }, 'INVALID_PARAMETER_VALUE', /input 'features' must hold numbers \(float32\): item 2 is "x"; expected shape \[batch, 4\]/],
      [{ inputs: { feature: [[1, 2, 3, 4]] } }, 'INVALID_PARAMETER_VALUE', /'feature', which the model does not take; it expects 'features' \[batch, 4\]/],
      [{ inputs: [[1, 2, 3, 4]], instances: [] }, 'BAD_REQUEST', /exactly one of/],
    ];
    for (const [body, code, message] of cases) {
      const res = await post(classifier, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error_code).toBe(code);
      expect(res.body.message).toMatch(message);
    }
    const sumCases: [unknown, RegExp][] = [
      [{ inputs: { a: [[1, 2]] } }, /missing input 'b': the model expects 'a' \[batch, 2\] \(float64\), 'b' \[batch, 2\] \(int64\)/],
      [{ inputs: [[1, 2]] }, /the model has 2 inputs/],
      [{ inputs: { a: [[1, 2]], b: [[1.5, 2]] } }, /input 'b' must hold integers .*\(int64\): item 0 is 1.5/],
      [{ dataframe_split: { columns: ['a'], data: [[[1, 2]]] } }, /missing input 'b'/],
      [{ inputs: { a: [[1, 2]], b: [[1, 2], [3, 4]] } }, /input 'b' has batch = 2 but input 'a' has batch = 1/], // Add alone would broadcast
    ];
    for (const [body, message] of sumCases) {
      const res = await post(sum, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(res.body.message).toMatch(message);
    }
    expect((await post(classifier, { inputs: [rows[0]] })).status).toBe(200);
    // No shape in the metadata: only onnxruntime can tell, and that is a 400 too.
    const unshaped = await startModelServer(modelDir({ 'model.onnx': encodeModel({ ...linearClassifierSpec, inputs: [{ name: 'features', type: 'float' }] }) }));
    try {
      const res = await post(unshaped, { inputs: [[1, 2]] });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(/^the model could not run on this input: .+/) });
      expect((await post(unshaped, { inputs: [rows[0]] })).body.predictions).toMatchObject({ label: [classify(rows[0]!).label] });
    } finally {
      await unshaped.close();
    }
    const other = await request(`${classifier.url}/elsewhere`);
    expect(other.statusCode).toBe(404);
    await other.body.dump();
  });

  it('reuses one session across concurrent requests', async () => {
    const batch = Array.from({ length: 50 }, (_, i) => [i / 10, -i / 20, 1, i % 3]);
    const answers = await Promise.all(batch.map((row) => post(classifier, { inputs: [row] })));
    answers.forEach((res, i) => expect((res.body.predictions as { label: number[] }).label).toEqual([classify(batch[i]!).label]));
  });
});

describe('choosing how to serve a model folder', () => {
  const onnx = fixture('linear-classifier.onnx');
  const js = 'export const predict = () => 42;';

  it('takes the MLmodel onnx flavor first, then a JavaScript module, then a lone *.onnx', async () => {
    const flavored = modelDir({ 'MLmodel': 'flavors:\n  onnx:\n    data: nested.onnx\n', 'nested.onnx': onnx, 'other.onnx': onnx, 'predict.mjs': js });
    expect(findOnnxModel(flavored.dir)).toBe(path.join(flavored.dir, 'nested.onnx'));
    const both = modelDir({ 'model.onnx': onnx, 'predict.mjs': js });
    const server = await startModelServer(both);
    try {
      expect(server.kind).toBe('javascript');
      expect((await post(server, {})).body).toEqual({ predictions: 42 });
    } finally {
      await server.close();
    }
  });

  it('refuses folders it cannot serve, saying why', async () => {
    await expect(startModelServer(modelDir({ 'a.onnx': onnx, 'b.onnx': onnx }))).rejects.toThrow(/2 ONNX files \(a.onnx, b.onnx\)/);
    await expect(startModelServer(modelDir({ 'MLmodel': 'flavors:\n  onnx:\n    data: gone.onnx\n' }))).rejects.toThrow(/names gone.onnx for its onnx flavor/);
    await expect(startModelServer(modelDir({ 'MLmodel': 'flavors:\n  sklearn: {}\n  python_function: {}\n', 'model.pkl': 'x' }))).rejects.toThrow(/MLmodel has the flavors sklearn, python_function.*--command/);
    await expect(startModelServer(modelDir({ 'model.onnx': 'not a model' }))).rejects.toThrow(/onnxruntime could not load/);
  });
});
