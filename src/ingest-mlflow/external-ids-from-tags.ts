import { externalIdTags } from '../capture/external-ids.js';
import { redactUrl } from '../capture/redact.js';
import type { ExternalIds } from '../capture/types.js';
import { mlflowTags as t } from './tag-names.js';

/**
 * The Databricks ids in a run's tags, under the keys `threadline run` records from
 * `--job_id/--run_id` and the job's environment (src/capture/external-ids.ts). The seed's
 * DBR_JOB_ID/DBR_RUN_ID come from those same task parameters, so they win; Databricks' own
 * job run id is kept as `job_run_id` when it differs (a multi-task job's run, not the task's).
 */
export function externalIdsFromTags(tags: Record<string, string>): ExternalIds[] {
  const value = (key: string) => tags[key]?.trim() || undefined;
  const jobRunId = value(t.databricksJobRunId);
  const runId = value(t.seedRunId) ?? jobRunId;
  const workspaceUrl = value(t.databricksWorkspaceUrl);
  const candidates: Record<string, string | undefined> = {
    job_id: value(t.seedJobId) ?? value(t.databricksJobId),
    run_id: runId,
    job_run_id: jobRunId !== runId ? jobRunId : undefined,
    job_type: value(t.databricksJobType),
    notebook_path: value(t.databricksNotebookPath),
    notebook_id: value(t.databricksNotebookId),
    workspace_url: workspaceUrl && redactUrl(workspaceUrl),
    workspace_id: value(t.databricksWorkspaceId),
    cluster_id: value(t.databricksClusterId),
  };
  const ids = Object.fromEntries(Object.entries(candidates).filter((e): e is [string, string] => e[1] !== undefined));
  if (Object.keys(ids).length === 0) return [];
  const gitSha = value(t.seedGitSha);
  if (gitSha) ids.git_sha = gitSha;
  return [{ system: 'databricks', ids }];
}

/**
 * The tags to add so the run carries its ids as a `threadline run` would (`threadline.databricks.*`,
 * and DBR_JOB_ID/DBR_RUN_ID/GIT_SHA for the registry searches): only those missing or stale. A
 * tag the client set itself (DBR_*, GIT_SHA) is never overwritten.
 */
export function externalIdTagsToAdd(tags: Record<string, string>): { key: string; value: string }[] {
  const wanted = externalIdTags(externalIdsFromTags(tags));
  return Object.entries(wanted)
    .filter(([key, value]) => (key.startsWith('threadline.') ? tags[key] !== value : tags[key] === undefined))
    .map(([key, value]) => ({ key, value }));
}
