import type { ExternalIds } from './types.js';

/** Picks `env[name]` for each `key: name` pair, skipping unset and empty values. */
function pick(env: NodeJS.ProcessEnv, names: Record<string, string[]>): Record<string, string> {
  const ids: Record<string, string> = {};
  for (const [key, candidates] of Object.entries(names)) {
    const value = candidates.map((name) => env[name]?.trim()).find((v) => v);
    if (value) ids[key] = value;
  }
  return ids;
}

/** Databricks task parameters of the seed convention: `--job_id {{job_id}} --run_id {{run_id}}`. */
const databricksFlags = new Set(['job_id', 'run_id', 'parent_run_id', 'task_key']);

/** `--job_id 42`, `--job-id 42` and `--job_id=42` alike; unrendered `{{job_id}}` is ignored. */
export function databricksArgs(argv: readonly string[]): Record<string, string> {
  const ids: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const match = /^--([a-z_-]+)(?:=(.*))?$/s.exec(argv[i]!);
    const key = match?.[1]!.replace(/-/g, '_');
    if (!match || !key || !databricksFlags.has(key)) continue;
    let value = match[2];
    if (value === undefined && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) value = argv[++i];
    if (value && !/\{\{.*\}\}/.test(value)) ids[key] = value;
  }
  return ids;
}

/**
 * Ids the launching CI system or orchestrator gave this run, read from its environment and, for
 * Databricks, from the command's own argv. Argv flags count as Databricks ids only with
 * `--job_id` present or on a Databricks cluster (DATABRICKS_RUNTIME_VERSION): a lone
 * `--run_id` is too common a flag name to claim.
 */
export function captureExternalIds(env: NodeJS.ProcessEnv, argv: readonly string[] = []): ExternalIds[] {
  const found: ExternalIds[] = [];
  if (env.GITHUB_ACTIONS === 'true') {
    const ids = pick(env, {
      sha: ['GITHUB_SHA'],
      run_id: ['GITHUB_RUN_ID'],
      run_attempt: ['GITHUB_RUN_ATTEMPT'],
      repository: ['GITHUB_REPOSITORY'],
      workflow: ['GITHUB_WORKFLOW'],
      ref: ['GITHUB_REF'],
    });
    found.push({ system: 'github', ids });
  }
  if (env.GITLAB_CI) {
    const ids = pick(env, {
      commit_sha: ['CI_COMMIT_SHA'],
      pipeline_id: ['CI_PIPELINE_ID'],
      job_id: ['CI_JOB_ID'],
      project_path: ['CI_PROJECT_PATH'],
    });
    found.push({ system: 'gitlab', ids });
  }
  const onDatabricks = Boolean(env.DATABRICKS_RUNTIME_VERSION);
  const fromArgs = databricksArgs(argv);
  const databricks = {
    ...pick(env, {
      job_id: ['DATABRICKS_JOB_ID', 'DB_JOB_ID'],
      run_id: ['DATABRICKS_RUN_ID', 'DB_RUN_ID'],
      parent_run_id: ['DATABRICKS_PARENT_RUN_ID', 'DB_PARENT_RUN_ID'],
      task_key: ['DATABRICKS_TASK_KEY', 'DB_TASK_KEY'],
      cluster_id: ['DB_CLUSTER_ID'],
    }),
    ...(fromArgs.job_id || onDatabricks ? fromArgs : {}),
  };
  if (Object.keys(databricks).length > 0) {
    // The seed's release pipeline exports GIT_SHA into the job's environment.
    if (env.GIT_SHA?.trim()) databricks.git_sha = env.GIT_SHA.trim();
    found.push({ system: 'databricks', ids: databricks });
  }
  if (env.AIRFLOW_CTX_DAG_ID) {
    const ids = pick(env, {
      dag_id: ['AIRFLOW_CTX_DAG_ID'],
      task_id: ['AIRFLOW_CTX_TASK_ID'],
      dag_run_id: ['AIRFLOW_CTX_DAG_RUN_ID'],
      execution_date: ['AIRFLOW_CTX_EXECUTION_DATE'],
      try_number: ['AIRFLOW_CTX_TRY_NUMBER'],
    });
    found.push({ system: 'airflow', ids });
  }
  return found;
}

/**
 * Run tags for the ids: `threadline.<system>.<key>`, plus the names the seed's MLflow registry
 * searches on (`DBR_JOB_ID`, `DBR_RUN_ID`, `GIT_SHA`), so `tag.DBR_RUN_ID = '777'` keeps working.
 */
export function externalIdTags(ids: readonly ExternalIds[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const { system, ids: values } of ids) {
    for (const [key, value] of Object.entries(values)) tags[`threadline.${system}.${key}`] = value;
    if (system === 'databricks') {
      if (values.job_id) tags.DBR_JOB_ID = values.job_id;
      if (values.run_id) tags.DBR_RUN_ID = values.run_id;
      if (values.git_sha) tags.GIT_SHA ??= values.git_sha;
    }
    if (system === 'github' && values.sha) tags.GIT_SHA = values.sha;
    if (system === 'gitlab' && values.commit_sha) tags.GIT_SHA = values.commit_sha;
  }
  return tags;
}
