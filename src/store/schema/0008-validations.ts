// Expectation suite results (migration 0008).

/** Expectation suite results (`threadline validate`); `results` is the JSON array of per-expectation results. */
export interface ValidationsTable {
  id: string;
  data_digest: string;
  data_uri: string;
  suite_name: string;
  suite_digest: string;
  success: number;
  evaluated: number;
  failed: number;
  results: string;
  time: number;
}

export interface ValidationTables {
  validations: ValidationsTable;
}
