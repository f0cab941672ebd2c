/** Kinds of entity the lineage graph links. */
export type EntityType =
  | 'run'
  | 'code'
  | 'data'
  | 'environment'
  | 'artifact'
  | 'experiment'
  | 'model_version'
  // MLflow 3 LoggedModels (`m-…`): run → logged model → model version.
  | 'logged_model'
  | 'image'
  | 'deployment'
  | 'prediction'
  // OpenLineage jobs, their runs (UUIDs) and datasets, from POST /api/v1/lineage.
  | 'job'
  | 'ol_run'
  | 'dataset'
  // Observer events (src/observe), linked to what they are about.
  | 'event'
  // Expectation suite results (threadline validate), linked to the data version they checked.
  | 'validation';

export interface EntityRef {
  type: EntityType;
  id: string;
}

/**
 * An edge always points from the derived thing to what it came from (`from` was produced by,
 * used, or ran on `to`), so "upstream" follows edges forward and "downstream" follows them back.
 */
export interface Edge {
  from: EntityRef;
  relation: string;
  to: EntityRef;
}
