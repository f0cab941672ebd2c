import { describe, expect, it } from 'vitest';
import { readSignature } from './model-signature.js';

const mlmodel = `artifact_path: model
flavors:
  python_function: {loader_module: mlflow.sklearn}
signature:
  inputs: '[{"type": "double", "name": "x"}]'
  outputs: '[{"type": "long"}]'
`;

describe('readSignature', () => {
  const blobs = new Map([
    ['sha256:a', Buffer.from(mlmodel)],
    ['sha256:b', Buffer.from('flavors: {}\n')],
    ['sha256:c', Buffer.from(': : not yaml [')],
  ]);
  const read = async (digest: string) => blobs.get(digest)!;
  const artifact = (path: string, digest: string) => ({ path, digest, size: blobs.get(digest)!.length, mediaType: null });

  it("reads the signature of the MLmodel in the model's folder, as MLflow wrote it", async () => {
    const signature = await readSignature([artifact('model/MLmodel', 'sha256:a')], 'model', read);
    expect(JSON.parse(signature!)).toEqual({ inputs: '[{"type": "double", "name": "x"}]', outputs: '[{"type": "long"}]' });
    expect(await readSignature([artifact('model/MLmodel', 'sha256:a')], 'model/MLmodel', read)).toBe(signature);
  });

  it('has none without an MLmodel, without a signature, or when the MLmodel is not YAML', async () => {
    expect(await readSignature([artifact('model/MLmodel', 'sha256:a')], 'other', read)).toBeUndefined();
    expect(await readSignature([artifact('model/MLmodel', 'sha256:b')], 'model', read)).toBeUndefined();
    expect(await readSignature([artifact('model/MLmodel', 'sha256:c')], 'model', read)).toBeUndefined();
  });
});
