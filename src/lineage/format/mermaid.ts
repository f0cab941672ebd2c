import type { TraceResult } from '../trace-types.js';
import { refKey } from '../walk.js';
import { labelOf } from './labels.js';

/** A Mermaid flowchart, for Markdown that renders it (GitHub, GitLab). Arrows point derived → source. */
export function formatMermaid(trace: TraceResult): string {
  const ids = new Map(trace.nodes.map((n, i) => [refKey(n), `n${i}`]));
  const lines = ['flowchart LR'];
  for (const node of trace.nodes) lines.push(`  ${ids.get(refKey(node))}["${escape(`${labelOf(node.type)} ${node.summary}`)}"]`);
  for (const edge of trace.edges) {
    const from = ids.get(refKey(edge.from));
    const to = ids.get(refKey(edge.to));
    if (from && to) lines.push(`  ${from} -->|${escape(edge.relation)}| ${to}`);
  }
  const start = ids.get(refKey(trace.start));
  if (start) lines.push(`  style ${start} stroke-width:3px`);
  return lines.join('\n') + '\n';
}

/** Mermaid reads `"` and `|` as syntax inside labels; its entity codes are the documented escape. */
function escape(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/\|/g, '#124;').replace(/[<>]/g, (c) => (c === '<' ? '#lt;' : '#gt;'));
}
