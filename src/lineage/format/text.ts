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
  const order = new Map(trace.nodes.map((n, i) => [refKey(n), i]));
  // Neighbours one step closer to the start, per node: indexed once, traces can hold thousands.
  const closer = new Map<string, TraceNode[]>();
  for (const edge of trace.edges) {
    const [near, far] = trace.direction === 'upstream' ? [edge.from, edge.to] : [edge.to, edge.from];
    const parent = byKey.get(refKey(near));
    if (parent) closer.set(refKey(far), [...(closer.get(refKey(far)) ?? []), parent]);
  }
  const children = new Map<string, TraceNode[]>();
  const placed = new Set<string>();
  // Nodes arrive sorted by depth then type: the first neighbour one level closer is the parent.
  for (const node of trace.nodes) {
    if (node.depth === 0) continue;
    const parent = (closer.get(refKey(node)) ?? []).filter((p) => p.depth === node.depth - 1).sort((a, b) => order.get(refKey(a))! - order.get(refKey(b))!)[0];
    if (!parent) continue;
    children.set(refKey(parent), [...(children.get(refKey(parent)) ?? []), node]);
  }
  const lines: string[] = [];
  const visit = (node: TraceNode) => {
    if (placed.has(refKey(node))) return;
    placed.add(refKey(node));
    lines.push(`${'  '.repeat(node.depth)}${`${labelOf(node.type)} `.padEnd(11)}${node.summary}`);
    for (const child of children.get(refKey(node)) ?? []) visit(child);
  };
  for (const node of trace.nodes) if (node.depth === 0) visit(node);
  // Reached only through edges the walk did not return (a truncated result): still listed.
  for (const node of trace.nodes) visit(node);
  const phrase = countPhrase(trace.counts, typeOrder);
  if (trace.direction === 'downstream') lines.push(`impact     ${phrase || 'nothing came from it'}`);
  else if (phrase) lines.push(`upstream   ${phrase}`);
  for (const [type, leaf] of Object.entries(trace.leaves ?? {})) {
    if (leaf && leaf.count > 0) lines.push(`window     ${leaf.count} ${type}(s) between ${new Date(leaf.first!).toISOString()} and ${new Date(leaf.last!).toISOString()}`);
  }
  if (trace.truncated) lines.push(`(more entities than shown: ${trace.nodes.length} listed; the counts above are complete)`);
  return lines.join('\n') + '\n';
}
