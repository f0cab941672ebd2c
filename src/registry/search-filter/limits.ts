/**
 * What one search may ask for. A filter compiles to one bound value per term and list item, and
 * the SQL grows with it: SQLite refuses more than 32,766 bound values and expressions deeper than
 * 1,000, PostgreSQL 65,535 values. These bounds keep every search well inside both, answered with
 * INVALID_ARGUMENT (MLflow's INVALID_PARAMETER_VALUE) instead of a database error.
 */
export const filterLimits = {
  /** Characters in a filter string. */
  length: 250_000,
  /** Comparisons joined by AND. */
  terms: 500,
  /** Values in all IN / NOT IN lists of one filter together. */
  listValues: 10_000,
  /** order_by clauses. */
  orderBy: 20,
} as const;
