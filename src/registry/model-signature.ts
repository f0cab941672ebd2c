import { parse } from 'yaml';
import type { RunArtifact } from '../tracking/types.js';

/** MLmodel files are a few kilobytes; anything far larger is not one worth parsing. */
const maxMlmodelBytes = 1024 * 1024;

/**
 * The `signature` of an MLflow model stored under `path` in a run (its `MLmodel` file), as JSON
 * text: `{"inputs": "<column spec JSON>", "outputs": "…"}` exactly as MLflow wrote it. Undefined
 * when there is no MLmodel, it has no signature, or it cannot be read as YAML.
 */
export async function readSignature(
  artifacts: readonly RunArtifact[],
  path: string,
  readBlob: (digest: string) => Promise<Buffer>,
): Promise<string | undefined> {
  const folder = path.replace(/^\/+|\/+$/g, '');
  const mlmodelPath = folder === '' ? 'MLmodel' : folder.endsWith('/MLmodel') || folder === 'MLmodel' ? folder : `${folder}/MLmodel`;
  const mlmodel = artifacts.find((a) => a.path === mlmodelPath);
  if (!mlmodel || mlmodel.size > maxMlmodelBytes) return undefined;
  try {
    const document = parse((await readBlob(mlmodel.digest)).toString('utf8')) as { signature?: unknown } | null;
    const signature = document?.signature;
    return signature && typeof signature === 'object' ? JSON.stringify(signature) : undefined;
  } catch {
    // A malformed or missing MLmodel does not stop registration: the version just has no signature.
    return undefined;
  }
}
