import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { invalidArgument } from '../../errors.js';
import { renderManifests } from './manifests.js';
import type { TargetOutcome, TargetRequest } from './target.js';

/** Writes the manifests; applies them with `kubectl apply -f` unless dry-run or no kubeconfig. */
export async function deployKubernetes(request: TargetRequest): Promise<TargetOutcome> {
  const { subject, options } = request;
  if (!subject.imageReference) {
    throw invalidArgument(`${subject.modelName}/${subject.modelVersion} has no image: build one with 'threadline image build' first (the kubernetes target runs images)`);
  }
  const manifestsPath = path.join(request.folder, 'manifests.yaml');
  await fs.mkdir(request.folder, { recursive: true });
  const yaml = renderManifests({ ...subject, imageReference: subject.imageReference, deploymentId: request.deploymentId, environment: request.environment, namespace: options.namespace });
  await fs.writeFile(manifestsPath, yaml);
  const details = { manifestsPath, ...(options.namespace && { namespace: options.namespace }) };
  const env = options.env ?? process.env;
  const kubeconfig = options.kubeconfig || env.KUBECONFIG;
  if (options.dryRun) return { ok: true, details: { ...details, dryRun: true } };
  if (!kubeconfig) throw invalidArgument('no cluster to apply to: give --kubeconfig FILE or set KUBECONFIG (or use --dry-run to only write the manifests)');
  const args = ['apply', '-f', manifestsPath, '--kubeconfig', kubeconfig];
  const result = await run('kubectl', args, env);
  if (result.code === 0) return { ok: true, details: { ...details, kubectl: args } };
  return { ok: false, details: { ...details, kubectl: args, exitCode: result.code, error: firstLine(result.stderr) || `kubectl exited with ${result.code}` } };
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env, maxBuffer: 16 * 1024 * 1024 }, (error, _stdout, stderr) => {
      if (!error) return resolve({ code: 0, stderr });
      const code = typeof error.code === 'number' ? error.code : 127;
      resolve({ code, stderr: stderr || error.message });
    });
  });
}

function firstLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
}
