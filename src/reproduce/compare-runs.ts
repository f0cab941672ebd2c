import type { Run } from '../tracking/types.js';
import type { ArtifactDifference, Comparison, MetricDifference, ParamDifference, Verdict } from './types.js';

/** Artifacts under logs/ hold timings and run ids: they differ on every run by nature. */
export const isLogArtifact = (artifactPath: string) => artifactPath === 'logs' || artifactPath.startsWith('logs/');

/**
 * Whether two metric values agree within `tolerance`: |a − b| ≤ tolerance × max(1, |a|, |b|).
 * So the tolerance is absolute for values up to 1 in size (accuracies, losses near 0) and
 * relative above (0.01 allows 1 % of a value of 250). 0 means exactly equal; NaN equals NaN.
 */
export function withinTolerance(a: number, b: number, tolerance: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  return Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(a), Math.abs(b));
}

/** The reproduction against the original: params, latest metric values, artifact digests. */
export function compareRuns(original: Run, reproduced: Run, tolerance: number): Comparison {
  const params: ParamDifference[] = keysOf(original.params, reproduced.params)
    .filter((key) => original.params[key] !== reproduced.params[key])
    .map((key) => ({ key, original: original.params[key] ?? null, reproduced: reproduced.params[key] ?? null }));

  const metrics: MetricDifference[] = [];
  for (const key of keysOf(original.metrics, reproduced.metrics)) {
    const a = original.metrics[key]?.value ?? null;
    const b = reproduced.metrics[key]?.value ?? null;
    if (a !== null && b !== null && (a === b || (Number.isNaN(a) && Number.isNaN(b)))) continue;
    const both = a !== null && b !== null;
    metrics.push({ key, original: a, reproduced: b, difference: both ? Math.abs(b - a) : null, withinTolerance: both && withinTolerance(a, b, tolerance) });
  }

  const before = digestsByPath(original);
  const after = digestsByPath(reproduced);
  const artifacts: ArtifactDifference[] = keysOf(before, after)
    .filter((p) => before[p] !== after[p])
    .map((p) => ({ path: p, original: before[p] ?? null, reproduced: after[p] ?? null }));
  const identicalArtifacts = Object.keys(before).filter((p) => before[p] === after[p]).length;

  const ended = (run: Run) => `${run.info.status} (exit ${run.info.exitCode ?? '-'})`;
  const status = ended(original) === ended(reproduced) ? null : { original: ended(original), reproduced: ended(reproduced) };

  const exact = status === null && params.length === 0 && artifacts.length === 0;
  const verdict: Verdict = !exact || metrics.some((m) => !m.withinTolerance) ? 'differs' : metrics.length > 0 ? 'within tolerance' : 'identical';
  return { verdict, tolerance, status, params, metrics, artifacts, identicalArtifacts };
}

function digestsByPath(run: Run): Record<string, string> {
  return Object.fromEntries(run.artifacts.filter((a) => !isLogArtifact(a.path)).map((a) => [a.path, a.digest]));
}

function keysOf(a: object, b: object): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}
