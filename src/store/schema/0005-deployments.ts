// Deployments (migration 0005).

/** `ENV#N`, numbered per environment; (environment, sequence) is unique. `details` is JSON. */
export interface DeploymentsTable {
  id: string;
  environment: string;
  sequence: number;
  image_reference: string | null;
  model_name: string;
  model_version: number;
  run_id: string | null;
  git_sha: string | null;
  target: string;
  actor: string;
  created_at: number;
  status: string;
  replaced_id: string | null;
  reason: string;
  details: string;
}

export interface DeploymentTables {
  deployments: DeploymentsTable;
}
