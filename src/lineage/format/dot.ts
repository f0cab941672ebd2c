import type { TraceResult } from '../trace-types.js';
import { refKey } from '../walk.js';
import { labelOf } from './labels.js';

/** Graphviz: `threadline trace ID --format dot | dot -Tsvg`. Arrows keep the graph's direction, derived → source. */
export function formatDot(trace: TraceResult): string {
  const ids = new Map(trace.nodes.map((n, i) => [refKey(n), `n${i}`]));
  const lines = ['digraph threadline {', '  rankdir=LR;', '  node [shape=box, fontname="Helvetica", fontsize=10];', '  edge [fontname="Helvetica", fontsize=9];'];
  for (const node of trace.nodes) {
    const style = node.depth === 0 ? ', style="bold"' : '';
    lines.push(`  ${ids.get(refKey(node))} [label="${quote(`${labelOf(node.type)}\n${node.summary}`)}"${style}];`);
  }
  for (const edge of trace.edges) {
    const from = ids.get(refKey(edge.from));
    const to = ids.get(refKey(edge.to));
    if (from && to) lines.push(`  ${from} -> ${to} [label="${quote(edge.relation)}"];`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

function quote(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
