import YAML from 'yaml';
import { compareCodePoints, digestJson, sha256Of } from '../capture/canonical.js';
import { redactUrlsIn } from '../capture/redact.js';
import type { Environment, LockfileDigest } from '../capture/types.js';

/** The files of an MLflow model folder that say what it needs to run; any may be missing. */
export interface ModelEnvironmentFiles {
  /** The `MLmodel` file (YAML), or the model JSON of `runs/log-model`. */
  mlmodel?: string | Uint8Array | null;
  requirementsTxt?: string | Uint8Array | null;
  condaYaml?: string | Uint8Array | null;
  pythonEnvYaml?: string | Uint8Array | null;
}

/** The file names, within a model folder, that `environmentFromModelFiles` reads. */
export const modelEnvironmentFileNames = {
  mlmodel: 'MLmodel',
  requirementsTxt: 'requirements.txt',
  condaYaml: 'conda.yaml',
  pythonEnvYaml: 'python_env.yaml',
} as const satisfies Record<keyof ModelEnvironmentFiles, string>;

/**
 * The Environment an MLflow model declares, digested like a captured one (sha256 over the
 * canonical JSON of every other field): the Python version (python_env.yaml, else the pyfunc
 * flavor's `python_version`, else conda's `python=`), `mlflow` at the MLmodel's `mlflow_version`,
 * the pinned packages of requirements.txt (else conda's pip list), and the digests of the three
 * environment files, named by their path in the model folder. The MLmodel itself is not among
 * them: it names the run and the time, so it differs for every model.
 *
 * The same files give the same digest whether they came from a 2.x run's `model/` folder or an
 * MLflow 3 logged model's artifacts. Null when none of the environment files is there. What an
 * MLflow model cannot know (OS, architecture, environment variables) is left empty.
 *
 * @example
 * environmentFromModelFiles({ mlmodel, requirementsTxt, condaYaml, pythonEnvYaml })?.digest // 'sha256:…'
 */
export function environmentFromModelFiles(files: ModelEnvironmentFiles): Environment | null {
  const [mlmodelText, requirements, conda, pythonEnv] = [asText(files.mlmodel), asText(files.requirementsTxt), asText(files.condaYaml), asText(files.pythonEnvYaml)];
  if (requirements === null && conda === null && pythonEnv === null) return null;
  const mlmodel = yamlObject(mlmodelText);
  const condaDoc = yamlObject(conda);
  const pythonEnvDoc = yamlObject(pythonEnv);
  const pyfunc = (mlmodel?.flavors as Record<string, Record<string, unknown>> | undefined)?.python_function;

  const python = scalar(pythonEnvDoc?.python) ?? scalar(pyfunc?.python_version) ?? condaPython(condaDoc);
  const mlflowVersion = scalar(mlmodel?.mlflow_version);
  const runtimes: Record<string, string> = { ...(python && { python }), ...(mlflowVersion && { mlflow: mlflowVersion }) };

  const lockfiles: LockfileDigest[] = [];
  for (const [key, content] of [['requirementsTxt', files.requirementsTxt], ['condaYaml', files.condaYaml], ['pythonEnvYaml', files.pythonEnvYaml]] as const) {
    if (content !== null && content !== undefined) lockfiles.push({ path: modelEnvironmentFileNames[key], digest: sha256Of(content) });
  }
  lockfiles.sort((a, b) => compareCodePoints(a.path, b.path));

  const packages = requirements !== null ? requirementLines(requirements.split('\n')) : condaPipPackages(condaDoc);
  const document: Omit<Environment, 'digest'> = {
    os: '',
    osRelease: '',
    arch: '',
    runtimes,
    lockfiles,
    pythonPackages: packages,
    containerImageDigest: null,
    envVarNames: [],
    envVars: {},
  };
  return { digest: digestJson(document), ...document };
}

function asText(content: string | Uint8Array | null | undefined): string | null {
  if (content === null || content === undefined) return null;
  return typeof content === 'string' ? content : Buffer.from(content).toString('utf8');
}

/** A YAML (or JSON) mapping, or null for anything else, unreadable files included. */
function yamlObject(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  try {
    const parsed: unknown = YAML.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function scalar(value: unknown): string | null {
  if (typeof value === 'string' && value.trim()) return value.trim();
  if (typeof value === 'number') return String(value);
  return null;
}

/** `python=3.11.7` (or `python==3.11.7`) among conda's dependencies. */
function condaPython(conda: Record<string, unknown> | null): string | null {
  const deps = Array.isArray(conda?.dependencies) ? conda.dependencies : [];
  for (const dep of deps) {
    const match = typeof dep === 'string' ? /^python\s*==?\s*([0-9][^\s,]*)$/.exec(dep.trim()) : null;
    if (match) return match[1]!;
  }
  return null;
}

function condaPipPackages(conda: Record<string, unknown> | null): string[] | null {
  const deps = Array.isArray(conda?.dependencies) ? conda.dependencies : [];
  const pip = deps.find((d): d is { pip: unknown[] } => Boolean(d) && typeof d === 'object' && Array.isArray((d as { pip?: unknown }).pip));
  return pip ? requirementLines(pip.pip.filter((p): p is string => typeof p === 'string')) : null;
}

/** Requirement lines, sorted: comments, blank lines and pip options (`-r`, `--index-url`) left out, URLs without credentials. */
function requirementLines(lines: readonly string[]): string[] {
  return lines
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter((line) => line.length > 0 && !line.startsWith('-'))
    .map(redactUrlsIn)
    .sort(compareCodePoints);
}

/** Whether an environment was declared by a model's files (nothing of a machine in it) rather than captured. */
export function isDeclaredEnvironment(environment: Environment): boolean {
  return environment.os === '' && environment.arch === '' && environment.envVarNames.length === 0;
}
