import { describeDrift } from './data-diff.js';
import type { Comparison, ReproduceReport } from './types.js';

/** The verdict first, then each difference on its own line: what `reproduce` prints on stdout. */
export function formatReport(report: ReproduceReport): string[] {
  const { comparison: c } = report;
  const lines = [`${c.verdict}: run ${report.reproductionRunId} reproduces ${report.originalRunId}`];
  for (const input of report.inputs) {
    for (const drift of input.drift) lines.push(`  input ${input.name}: ${describeDrift(drift)}`);
  }
  lines.push(...comparisonLines(c));
  if (c.verdict === 'identical') lines.push(`  ${c.identicalArtifacts} artifact(s) with the same digest; same params and metrics`);
  if (report.code.kept) lines.push(`  tree kept at ${report.code.root}`);
  return lines;
}

function comparisonLines(c: Comparison): string[] {
  const lines: string[] = [];
  if (c.status) lines.push(`  status: ${c.status.original} → ${c.status.reproduced}`);
  for (const p of c.params) lines.push(`  param ${p.key}: ${show(p.original)} → ${show(p.reproduced)}`);
  for (const m of c.metrics) {
    const how = m.difference === null ? '' : m.withinTolerance ? ` (within tolerance ${c.tolerance})` : ` (off by ${m.difference}, tolerance ${c.tolerance})`;
    lines.push(`  metric ${m.key}: ${show(m.original)} → ${show(m.reproduced)}${how}`);
  }
  for (const a of c.artifacts) {
    const what = a.original === null ? 'only in the reproduction' : a.reproduced === null ? 'missing from the reproduction' : `${a.original.slice(0, 19)}… → ${a.reproduced.slice(0, 19)}…`;
    lines.push(`  artifact ${a.path}: ${what}`);
  }
  return lines;
}

const show = (value: string | number | null) => (value === null ? '(none)' : String(value));
