/** A search over runs as the contract takes it: the experiments, MLflow's filter and order, a page. */
export interface SearchRunsQuery {
  /** Experiments to search; every active experiment when absent. */
  experimentIds?: string[];
  /** MLflow's filter grammar: `metrics.auc > 0.8 and params.k = '5' and tags.team = 'reco'`. */
  filter?: string;
  /** MLflow order_by clauses: `metrics.auc DESC`, `attributes.start_time ASC`. */
  orderBy?: string[];
  /** 1 to 50,000; 1,000 when absent. */
  maxResults?: number;
  pageToken?: string;
}
