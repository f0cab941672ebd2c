import { z } from 'zod';
import { tryParseDuration } from '../../duration.js';
import { parseTestName } from '../../drift/drift-check.js';
import { parseJsonPath } from './rows.js';

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const jsonPath = z.string().min(1).refine((p) => {
  try {
    parseJsonPath(p);
    return true;
  } catch {
    return false;
  }
}, { message: 'a dotted path like $.inputs or payload.rows[0]' });
const duration = z.string().refine((s) => tryParseDuration(s) !== undefined, { message: 'a duration like 30m, 1h or 1d' });

function knownTest(name: string): boolean {
  try {
    parseTestName(name);
    return true;
  } catch {
    return false;
  }
}

const classificationMetrics = ['accuracy', 'f1', 'precision', 'recall'] as const;
const regressionMetrics = ['mae', 'rmse'] as const;
export const performanceMetrics = [...classificationMetrics, ...regressionMetrics, 'precision_at_k'] as const;
export type PerformanceMetric = (typeof performanceMetrics)[number];
/** Higher is worse for these: their threshold is a `max`. */
export const errorMetrics = new Set<PerformanceMetric>(regressionMetrics);

export const tasks = ['classification', 'regression', 'ranking'] as const;
export type Task = (typeof tasks)[number];

export const fairnessMetrics = ['demographic_parity_difference', 'equalized_odds_difference', 'disparate_impact'] as const;
export type FairnessMetric = (typeof fairnessMetrics)[number];

export const productionSettings = z
  .object({
    /** `ENV` (whatever it runs now, rollbacks included) or one deployment `ENV#N`. */
    deployment: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*(#\d+)?$/, 'ENV or ENV#N'),
    /** The last `window` of the deployment's traffic, ending at its newest prediction. */
    window: duration.default('1h'),
    /** Fewer rows than this (labelled rows for performance): no verdict. */
    min_count: z.number().int().positive().default(100),
    /**
     * The training data: a CSV/Parquet/JSONL path (relative to threadline.yaml), or
     * `{model: name@alias | name/N, path?}`: the data recorded as input of the run behind that
     * version, `path` when the run recorded none. Default: the deployed model version's run.
     */
    reference: z.union([z.string().min(1), z.object({ model: z.string().min(1).optional(), path: z.string().min(1).optional() }).strict()]).optional(),
    /** Columns compared; default the reference's columns that requests carry. */
    features: z.array(z.string().min(1)).min(1).optional(),
    /** Where the rows are in a request body (`inputs`, `$.payload.rows`); default MLflow's shapes. */
    request_path: jsonPath.optional(),
    /** Where the predictions are in a response body. */
    prediction_field: jsonPath.default('predictions'),
    /** A reference column holding the model's predictions on the training data (prediction drift against it). */
    reference_prediction_column: z.string().min(1).optional(),
    task: z.enum(tasks).default('classification'),
    /** precision@k's k for ranking. */
    k: z.number().int().positive().default(10),
    /** Path inside each feedback label (default: the label itself). */
    label_field: jsonPath.optional(),
    sensitive_attribute: z.string().min(1).optional(),
    /** The privileged group(s) for disparate impact. */
    privileged: z.union([scalar, z.array(scalar).min(1)]).optional(),
    /** The favourable outcome (prediction and label). */
    positive: scalar.default(1),
    drift: z
      .union([
        z.literal(false),
        z
          .object({
            test: z.string().default('auto'),
            threshold: z.number().nonnegative().optional(),
            share: z.number().gt(0).max(1).default(0.5),
          })
          .strict(),
      ])
      .default({ test: 'auto', share: 0.5 }),
    performance: z
      .object({ metric: z.enum(performanceMetrics).optional(), min: z.number().optional(), max: z.number().optional() })
      .strict()
      .optional(),
    fairness: z
      .object({ metric: z.enum(fairnessMetrics).default('demographic_parity_difference'), min: z.number().optional(), max: z.number().optional() })
      .strict()
      .optional(),
    latency_p99_ms: z.number().positive().optional(),
    /** Share of requests answered 5xx or not at all. */
    error_rate: z.number().min(0).max(1).optional(),
  })
  .strict()
  .refine((s) => s.drift === false || knownTest(s.drift.test), { message: 'drift.test: unknown test (auto, ks, chi2, z, psi, wasserstein, jensenshannon)' })
  .refine((s) => !s.fairness || s.sensitive_attribute, { message: 'fairness needs sensitive_attribute' })
  .refine((s) => !s.fairness || s.fairness.metric !== 'disparate_impact' || s.privileged !== undefined, { message: 'fairness disparate_impact needs privileged' })
  .refine((s) => !s.performance?.metric || metricFits(s.task, s.performance.metric), { message: 'performance.metric does not fit the task' });

export type ProductionSettings = z.infer<typeof productionSettings>;

function metricFits(task: Task, metric: PerformanceMetric): boolean {
  if (task === 'ranking') return metric === 'precision_at_k';
  if (task === 'regression') return errorMetrics.has(metric);
  return (classificationMetrics as readonly string[]).includes(metric);
}

export function defaultMetric(task: Task): PerformanceMetric {
  return task === 'ranking' ? 'precision_at_k' : task === 'regression' ? 'rmse' : 'accuracy';
}
