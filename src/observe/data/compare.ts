import { columnKind } from '../../capture/columns.js';
import type { ColumnSchema, DataFile } from '../../capture/types.js';
import type { DriftCheckResult } from '../../drift/drift-check.js';

export interface SchemaDiff {
  added: ColumnSchema[];
  removed: ColumnSchema[];
  retyped: { name: string; before: string; after: string }[];
}

export function diffSchema(before: ColumnSchema[] | null, after: ColumnSchema[] | null): SchemaDiff {
  const old = new Map((before ?? []).map((c) => [c.name, c.type]));
  const now = new Map((after ?? []).map((c) => [c.name, c.type]));
  return {
    added: (after ?? []).filter((c) => !old.has(c.name)),
    removed: (before ?? []).filter((c) => !now.has(c.name)),
    retyped: (after ?? []).filter((c) => old.has(c.name) && old.get(c.name) !== c.type).map((c) => ({ name: c.name, before: old.get(c.name)!, after: c.type })),
  };
}

export const schemaChanged = (d: SchemaDiff) => d.added.length + d.removed.length + d.retyped.length > 0;

export function describeSchemaDiff(d: SchemaDiff): string {
  return [
    d.added.length ? `added ${d.added.map((c) => c.name).join(', ')}` : '',
    d.removed.length ? `removed ${d.removed.map((c) => c.name).join(', ')}` : '',
    d.retyped.length ? `retyped ${d.retyped.map((c) => `${c.name} ${c.before}→${c.after}`).join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

export interface ManifestDiff {
  added: string[];
  removed: string[];
  changed: string[];
}

export function diffManifest(before: DataFile[], after: DataFile[]): ManifestDiff {
  const old = new Map(before.map((f) => [f.path, f.digest]));
  const now = new Map(after.map((f) => [f.path, f.digest]));
  return {
    added: after.filter((f) => !old.has(f.path)).map((f) => f.path),
    removed: before.filter((f) => !now.has(f.path)).map((f) => f.path),
    changed: after.filter((f) => old.has(f.path) && old.get(f.path) !== f.digest).map((f) => f.path),
  };
}

/**
 * Columns two versions can be compared on: in both, and numbers on both sides or labels on both
 * sides (a column that went from numbers to text is a schema change, not drift). `only` narrows.
 */
export function comparableColumns(before: ColumnSchema[], after: ColumnSchema[], only?: string[]): string[] {
  const now = new Map(after.map((c) => [c.name, columnKind(c.type)]));
  return before
    .filter((c) => !only || only.includes(c.name))
    .filter((c) => {
      const k = now.get(c.name);
      const was = columnKind(c.type);
      return k !== undefined && k !== 'unsupported' && was !== 'unsupported' && (k === 'numeric') === (was === 'numeric');
    })
    .map((c) => c.name);
}

export interface ColumnProfileChange {
  column: string;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

/**
 * The profile of each compared column, before and after (count, missing, distinct, mean, std,
 * min, median, max, or the top values), for the columns where any of it moved.
 */
export function profileDiff(drift: DriftCheckResult): ColumnProfileChange[] {
  return drift.columns
    .filter((c) => JSON.stringify(c.reference) !== JSON.stringify(c.current))
    .map((c) => ({ column: c.column, before: finite(c.reference), after: finite(c.current) }));
}

/** JSON has no NaN: a std of one value becomes null rather than vanishing. */
function finite(summary: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(summary).map(([k, v]) => [k, typeof v === 'number' && !Number.isFinite(v) ? null : v]));
}

/** Per-column scores as events carry them, with both samples' histograms (the drift report's charts). */
export function driftScores(drift: DriftCheckResult) {
  return drift.columns.map((c) => ({ column: c.column, test: c.test, score: c.score, threshold: c.threshold, drifted: c.drifted, scoreKind: c.scoreKind, histogram: c.histogram }));
}
