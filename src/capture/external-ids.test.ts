import { describe, expect, it } from 'vitest';
import { captureExternalIds, databricksArgs, externalIdTags } from './external-ids.js';

describe('captureExternalIds', () => {
  it('finds nothing in a plain shell', () => {
    expect(captureExternalIds({ PATH: '/usr/bin', HOME: '/root' }, ['python', 'train.py'])).toEqual([]);
  });

  it('reads GitHub Actions', () => {
    const env = {
      GITHUB_ACTIONS: 'true',
      GITHUB_SHA: 'abc123',
      GITHUB_RUN_ID: '9001',
      GITHUB_RUN_ATTEMPT: '2',
      GITHUB_REPOSITORY: 'acme/reco',
      GITHUB_WORKFLOW: 'train',
      GITHUB_REF: 'refs/heads/main',
      GITHUB_TOKEN: 'ghs_secret',
    };
    const ids = captureExternalIds(env, []);
    expect(ids).toEqual([
      {
        system: 'github',
        ids: { sha: 'abc123', run_id: '9001', run_attempt: '2', repository: 'acme/reco', workflow: 'train', ref: 'refs/heads/main' },
      },
    ]);
    expect(JSON.stringify(ids)).not.toContain('ghs_secret');
    expect(externalIdTags(ids)).toMatchObject({ 'threadline.github.run_id': '9001', GIT_SHA: 'abc123' });
  });

  it('reads GitLab CI', () => {
    const env = { GITLAB_CI: 'true', CI_COMMIT_SHA: 'def456', CI_PIPELINE_ID: '77', CI_JOB_ID: '88', CI_PROJECT_PATH: 'acme/reco' };
    const ids = captureExternalIds(env, []);
    expect(ids).toEqual([
      { system: 'gitlab', ids: { commit_sha: 'def456', pipeline_id: '77', job_id: '88', project_path: 'acme/reco' } },
    ]);
    expect(externalIdTags(ids)).toEqual({
      'threadline.gitlab.commit_sha': 'def456',
      'threadline.gitlab.pipeline_id': '77',
      'threadline.gitlab.job_id': '88',
      'threadline.gitlab.project_path': 'acme/reco',
      GIT_SHA: 'def456',
    });
  });

  it("reads the seed's Databricks task parameters from argv", () => {
    const ids = captureExternalIds({ GIT_SHA: '3f9d2c1' }, ['python', 'train.py', '--job_id', '42', '--run_id', '777']);
    expect(ids).toEqual([{ system: 'databricks', ids: { job_id: '42', run_id: '777', git_sha: '3f9d2c1' } }]);
    expect(externalIdTags(ids)).toEqual({
      'threadline.databricks.job_id': '42',
      'threadline.databricks.run_id': '777',
      'threadline.databricks.git_sha': '3f9d2c1',
      DBR_JOB_ID: '42',
      DBR_RUN_ID: '777',
      GIT_SHA: '3f9d2c1',
    });
  });

  it('accepts --flag=value, dashes, parent_run_id and task_key; ignores unrendered templates', () => {
    expect(databricksArgs(['--job-id=42', '--parent_run_id', '5', '--task-key', 'train', '--run_id', '{{run_id}}'])).toEqual({
      job_id: '42',
      parent_run_id: '5',
      task_key: 'train',
    });
    // A flag without a value does not swallow the next flag.
    expect(databricksArgs(['--job_id', '--run_id', '7'])).toEqual({ run_id: '7' });
  });

  it('does not claim a lone --run_id outside Databricks, but does on a Databricks cluster', () => {
    expect(captureExternalIds({}, ['train.py', '--run_id', '5'])).toEqual([]);
    expect(captureExternalIds({ DATABRICKS_RUNTIME_VERSION: '15.4' }, ['train.py', '--run_id', '5'])).toEqual([
      { system: 'databricks', ids: { run_id: '5' } },
    ]);
  });

  it('reads Databricks ids from the environment, argv winning', () => {
    const ids = captureExternalIds({ DATABRICKS_JOB_ID: '1', DATABRICKS_RUN_ID: '2', DB_CLUSTER_ID: 'c-1' }, ['--job_id', '9']);
    expect(ids).toEqual([{ system: 'databricks', ids: { job_id: '9', run_id: '2', cluster_id: 'c-1' } }]);
  });

  it('reads Airflow', () => {
    const env = {
      AIRFLOW_CTX_DAG_ID: 'train_reco',
      AIRFLOW_CTX_TASK_ID: 'fit',
      AIRFLOW_CTX_DAG_RUN_ID: 'scheduled__2026-11-19T00:00:00+00:00',
      AIRFLOW_CTX_EXECUTION_DATE: '2026-11-19T00:00:00+00:00',
      AIRFLOW_CTX_TRY_NUMBER: '1',
    };
    const ids = captureExternalIds(env, []);
    expect(ids).toEqual([
      {
        system: 'airflow',
        ids: {
          dag_id: 'train_reco',
          task_id: 'fit',
          dag_run_id: 'scheduled__2026-11-19T00:00:00+00:00',
          execution_date: '2026-11-19T00:00:00+00:00',
          try_number: '1',
        },
      },
    ]);
    expect(externalIdTags(ids)['threadline.airflow.dag_id']).toBe('train_reco');
  });

  it('reports several systems together, CI commit sha winning for GIT_SHA', () => {
    const env = { GITHUB_ACTIONS: 'true', GITHUB_SHA: 'ci-sha', GIT_SHA: 'other' };
    const ids = captureExternalIds(env, ['--job_id', '42', '--run_id', '777']);
    expect(ids.map((i) => i.system)).toEqual(['github', 'databricks']);
    expect(externalIdTags(ids).GIT_SHA).toBe('ci-sha');
  });
});
