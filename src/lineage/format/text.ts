import { typeOrder } from '../trace.js';
import type { TraceNode, TraceResult } from '../trace-types.js';
import { refKey } from '../walk.js';
import { countPhrase, labelOf } from './labels.js';

/**
 * One line per entity, its key facts, indented under the entity it was reached from (DESIGN.md,
 * "The promise, in one query"). An entity reached from several is shown once, under the first.
 */
export function formatText(trace: TraceResult): string {
  const byKey = new Map(trace.nodes.map((n) => [refKey(n), n]));
  const children = new Map<string, TraceNode[]>();
  const placed = new Set<string>();
  // Nodes arrive sorted by depth then type: the first neighbour one level closer is the parent.
  for (const node of trace.nodes) {
    if (node.depth === 0) continue;
    const parent = trace.edges
      .map((e) => (trace.direction === 'upstream' ? (refKey(e.to) === refKey(node) ? e.from : undefined) : refKey(e.from) === refKey(node) ? e.to : undefined))
      .map((ref) => ref && byKey.get(refKey(ref)))
      .filter((p): p is TraceNode => p !== undefined && p.depth === node.depth - 1)
      .sort((a, b) => trace.nodes.indexOf(a) - trace.nodes.indexOf(b))[0];
    if (!parent) continue;
    children.set(refKey(parent), [...(children.get(refKey(parent)) ?? []), node]);
  }
  const lines: string[] = [];
  const visit = (node: TraceNode) => {
    if (placed.has(refKey(node))) return;
    placed.add(refKey(node));
    lines.push(`${'  '.repeat(node.depth)}${labelOf(node.type).padEnd(11)}${node.summary}`);
    for (const child of children.get(refKey(node)) ?? []) visit(child);
  };
  for (const node of trace.nodes) if (node.depth === 0) visit(node);
  // Reached only through edges the walk did not return (a truncated result): still listed.
  for (const node of trace.nodes) visit(node);
  const phrase = countPhrase(trace.counts, typeOrder);
  if (trace.direction === 'downstream') lines.push(`impact     ${phrase || 'nothing came from it'}`);
  else if (phrase) lines.push(`upstream   ${phrase}`);
  if (trace.truncated) lines.push(`(more entities than shown: ${trace.nodes.length} listed; the counts above are complete)`);
  return lines.join('\n') + '\n';
}
