import { redactUrl } from '../capture/redact.js';

/** The run tags MLflow's clients, Databricks and the seed's jobs set, which ingest reads. */
export const mlflowTags = {
  gitCommit: 'mlflow.source.git.commit',
  gitRepoUrl: 'mlflow.source.git.repoURL',
  gitBranch: 'mlflow.source.git.branch',
  gitDirty: 'mlflow.source.git.dirty',
  gitDiff: 'mlflow.source.git.diff',
  databricksGitRepoUrl: 'mlflow.databricks.gitRepoUrl',
  databricksGitRepoCommit: 'mlflow.databricks.gitRepoCommit',
  databricksGitRepoReference: 'mlflow.databricks.gitRepoReference',
  databricksGitRepoReferenceType: 'mlflow.databricks.gitRepoReferenceType',
  databricksJobId: 'mlflow.databricks.jobID',
  databricksJobRunId: 'mlflow.databricks.jobRunID',
  databricksJobType: 'mlflow.databricks.jobType',
  databricksNotebookPath: 'mlflow.databricks.notebookPath',
  databricksNotebookId: 'mlflow.databricks.notebookID',
  databricksWorkspaceUrl: 'mlflow.databricks.workspaceURL',
  databricksWorkspaceId: 'mlflow.databricks.workspaceID',
  databricksClusterId: 'mlflow.databricks.cluster.id',
  // The seed's own, set with mlflow.set_tags from its job's environment and argv.
  seedGitSha: 'GIT_SHA',
  seedJobId: 'DBR_JOB_ID',
  seedRunId: 'DBR_RUN_ID',
  /** Input tag on a dataset input: what the run used it for (training, evaluation, …). */
  datasetContext: 'mlflow.data.context',
} as const;

const codeKeys = new Set<string>([
  mlflowTags.gitCommit,
  mlflowTags.gitRepoUrl,
  mlflowTags.gitBranch,
  mlflowTags.gitDirty,
  mlflowTags.gitDiff,
  mlflowTags.databricksGitRepoUrl,
  mlflowTags.databricksGitRepoCommit,
  mlflowTags.databricksGitRepoReference,
  mlflowTags.databricksGitRepoReferenceType,
  mlflowTags.seedGitSha,
]);

/** Whether setting `key` can change what a run's tags say about its code or its external ids. */
export function isProvenanceTag(key: string): boolean {
  return codeKeys.has(key) || key.startsWith('mlflow.databricks.') || key === mlflowTags.seedJobId || key === mlflowTags.seedRunId;
}

/** Tags whose values are URLs that can carry credentials (a clone URL with a token, say). */
const urlTags = new Set<string>([mlflowTags.gitRepoUrl, mlflowTags.databricksGitRepoUrl, mlflowTags.databricksWorkspaceUrl, 'mlflow.databricks.webappURL', 'mlflow.databricks.runURL']);

/** The tags as they may be stored: URL-valued MLflow tags without credentials (secrets never reach the store). */
export function withoutCredentials<T extends { key: string; value: string }>(tags: T[]): T[] {
  return tags.map((tag) => (urlTags.has(tag.key) ? { ...tag, value: redactUrl(tag.value) } : tag));
}

export function mapWithoutCredentials(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(withoutCredentials(Object.entries(tags).map(([key, value]) => ({ key, value }))).map((t) => [t.key, t.value]));
}
