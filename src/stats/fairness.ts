/**
 * Group fairness metrics, as fairlearn defines them (method='between_groups'):
 * - demographic parity difference / ratio: max − min, min / max of the selection rate
 *   (share of positive predictions) over groups;
 * - equalized odds difference: the larger of the TPR and FPR differences; ratio: the smaller of
 *   the TPR and FPR ratios;
 * - disparate impact: selection rate of the unprivileged group / that of the privileged group.
 * A ratio whose denominator is 0 is NaN (fairlearn warns and yields nan/0 there).
 */
export type Label = 0 | 1 | boolean;

export interface GroupRates {
  group: string;
  count: number;
  selectionRate: number;
  /** NaN when the group has no actual positives (resp. negatives). */
  truePositiveRate: number;
  falsePositiveRate: number;
}

const pos = (v: Label): boolean => v === 1 || v === true;

export function groupRates(yTrue: readonly Label[] | null, yPred: readonly Label[], groups: readonly string[]): GroupRates[] {
  if (yPred.length !== groups.length || (yTrue && yTrue.length !== yPred.length)) throw new RangeError('labels, predictions and groups must have the same length');
  const acc = new Map<string, { n: number; sel: number; p: number; tp: number; neg: number; fp: number }>();
  for (let i = 0; i < yPred.length; i++) {
    const g = groups[i]!;
    const a = acc.get(g) ?? { n: 0, sel: 0, p: 0, tp: 0, neg: 0, fp: 0 };
    const pred = pos(yPred[i]!);
    a.n++;
    if (pred) a.sel++;
    if (yTrue) {
      if (pos(yTrue[i]!)) {
        a.p++;
        if (pred) a.tp++;
      } else {
        a.neg++;
        if (pred) a.fp++;
      }
    }
    acc.set(g, a);
  }
  return [...acc.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([group, a]) => ({ group, count: a.n, selectionRate: a.sel / a.n, truePositiveRate: a.tp / a.p, falsePositiveRate: a.fp / a.neg }));
}

const spread = (xs: number[]): { diff: number; ratio: number } => {
  const min = Math.min(...xs);
  const max = Math.max(...xs);
  return { diff: max - min, ratio: max === 0 ? NaN : min / max };
};

export function demographicParity(yPred: readonly Label[], groups: readonly string[]): { difference: number; ratio: number } {
  const s = spread(groupRates(null, yPred, groups).map((r) => r.selectionRate));
  return { difference: s.diff, ratio: s.ratio };
}

export function equalizedOdds(yTrue: readonly Label[], yPred: readonly Label[], groups: readonly string[]): { difference: number; ratio: number } {
  const rates = groupRates(yTrue, yPred, groups);
  const tpr = spread(rates.map((r) => r.truePositiveRate));
  const fpr = spread(rates.map((r) => r.falsePositiveRate));
  return { difference: Math.max(tpr.diff, fpr.diff), ratio: Math.min(tpr.ratio, fpr.ratio) };
}

export function disparateImpact(yPred: readonly Label[], groups: readonly string[], unprivileged: string, privileged: string): number {
  const rates = new Map(groupRates(null, yPred, groups).map((r) => [r.group, r.selectionRate]));
  const u = rates.get(unprivileged);
  const p = rates.get(privileged);
  if (u === undefined || p === undefined) throw new RangeError(`group ${u === undefined ? unprivileged : privileged} does not occur`);
  return p === 0 ? NaN : u / p;
}
