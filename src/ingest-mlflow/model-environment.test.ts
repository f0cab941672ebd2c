import { describe, expect, it } from 'vitest';
import { sha256Of } from '../capture/canonical.js';
import { environmentSchema } from '../tracking/validation.js';
import { environmentFromModelFiles, isDeclaredEnvironment } from './model-environment.js';

/** The files `mlflow.pyfunc.log_model` writes (MLflow 2.17), trimmed. */
const mlflowModelFiles = {
  mlmodel: `artifact_path: model
flavors:
  python_function:
    cloudpickle_version: 3.0.0
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.pyfunc.model
    python_model: python_model.pkl
    python_version: 3.11.7
mlflow_version: 2.17.2
model_size_bytes: 1024
model_uuid: 5b1e0c3c8f6d4f0e9d7f1c2a3b4c5d6e
run_id: 01a24d3a2d8571a885a80c1037264877
utc_time_created: '2026-12-06 21:00:00.000000'
`,
  requirementsTxt: 'mlflow==2.17.2\ncloudpickle==3.0.0\n# comment\npandas==2.2.0\n--extra-index-url https://user:tok@pypi.example.com/simple\nprivate-pkg @ https://user:tok@git.example.com/p.tar.gz\n',
  condaYaml: 'channels:\n- conda-forge\ndependencies:\n- python=3.11.7\n- pip<=23.3.1\n- pip:\n  - mlflow==2.17.2\n  - cloudpickle==3.0.0\nname: mlflow-env\n',
  pythonEnvYaml: 'python: 3.11.7\nbuild_dependencies:\n- pip==23.3.1\n- setuptools==68.2.2\n- wheel==0.41.2\ndependencies:\n- -r requirements.txt\n',
};

describe('environmentFromModelFiles', () => {
  it('reads the Python version, mlflow version, pinned packages and file digests, digested like a captured environment', () => {
    const env = environmentFromModelFiles(mlflowModelFiles)!;
    expect(env).toMatchObject({
      runtimes: { python: '3.11.7', mlflow: '2.17.2' },
      lockfiles: [
        { path: 'conda.yaml', digest: sha256Of(mlflowModelFiles.condaYaml) },
        { path: 'python_env.yaml', digest: sha256Of(mlflowModelFiles.pythonEnvYaml) },
        { path: 'requirements.txt', digest: sha256Of(mlflowModelFiles.requirementsTxt) },
      ],
      pythonPackages: ['cloudpickle==3.0.0', 'mlflow==2.17.2', 'pandas==2.2.0', 'private-pkg @ https://git.example.com/p.tar.gz'],
      containerImageDigest: null,
    });
    expect(JSON.stringify(env)).not.toContain('tok@');
    expect(environmentSchema.safeParse(env).success).toBe(true);
    expect(isDeclaredEnvironment(env)).toBe(true);
    // Bytes or text, YAML MLmodel or the JSON of runs/log-model, another run's MLmodel: one digest.
    const bytes = Object.fromEntries(Object.entries(mlflowModelFiles).map(([k, v]) => [k, Buffer.from(v)]));
    expect(environmentFromModelFiles(bytes)!.digest).toBe(env.digest);
    const json = JSON.stringify({ run_id: 'other', mlflow_version: '2.17.2', flavors: { python_function: { python_version: '3.11.7' } } });
    expect(environmentFromModelFiles({ ...mlflowModelFiles, mlmodel: json })!.digest).toBe(env.digest);
    expect(environmentFromModelFiles({ ...mlflowModelFiles, requirementsTxt: 'mlflow==2.17.2\n' })!.digest).not.toBe(env.digest);
  });

  it('falls back to the flavor and conda for the Python version and packages; null without environment files', () => {
    const noPythonEnv = environmentFromModelFiles({ condaYaml: mlflowModelFiles.condaYaml })!;
    expect(noPythonEnv).toMatchObject({ runtimes: { python: '3.11.7' }, pythonPackages: ['cloudpickle==3.0.0', 'mlflow==2.17.2'] });
    expect(environmentFromModelFiles({ mlmodel: mlflowModelFiles.mlmodel, requirementsTxt: 'x==1\n' })!.runtimes).toEqual({ python: '3.11.7', mlflow: '2.17.2' });
    expect(environmentFromModelFiles({ requirementsTxt: 'x==1\n', pythonEnvYaml: ': not yaml [' })!.runtimes).toEqual({});
    expect(environmentFromModelFiles({ mlmodel: mlflowModelFiles.mlmodel })).toBeNull();
    expect(environmentFromModelFiles({})).toBeNull();
  });
});
