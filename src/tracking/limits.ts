/** MLflow's documented limits, enforced the same way so that clients see the same errors. */
export const limits = {
  keyLength: 250,
  paramValueLength: 6000,
  tagValueLength: 8000,
  /** Registered model and model version tags (MLflow's MAX_MODEL_REGISTRY_TAG_VALUE_LENGTH). */
  registryTagValueLength: 100_000,
  /** A model version's source and run link (MLflow's column widths). */
  sourceLength: 500,
  experimentNameLength: 500,
  runNameLength: 250,
  batchMetrics: 1000,
  batchParams: 100,
  batchTags: 100,
  batchTotal: 1000,
} as const;
