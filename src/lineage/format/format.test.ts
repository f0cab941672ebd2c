import { describe, expect, it } from 'vitest';
import type { TraceResult } from '../trace-types.js';
import { formatTrace } from './index.js';
import { countPhrase } from './labels.js';

const node = (type: 'run' | 'data' | 'model_version', id: string, depth: number, summary: string) => ({ type, id, depth, summary, facts: {} });

// x read y, y read z, z read x: a cycle, as OpenLineage or a bad ingest can make.
const cyclic: TraceResult = {
  start: { type: 'run', id: 'x' },
  direction: 'upstream',
  depth: 10,
  nodes: [node('run', 'x', 0, 'x "quoted" | piped'), node('run', 'y', 1, 'y'), node('run', 'z', 2, 'z')],
  edges: [
    { from: { type: 'run', id: 'x' }, relation: 'read', to: { type: 'run', id: 'y' } },
    { from: { type: 'run', id: 'y' }, relation: 'read', to: { type: 'run', id: 'z' } },
    { from: { type: 'run', id: 'z' }, relation: 'read', to: { type: 'run', id: 'x' } },
  ],
  counts: { run: 2 },
  truncated: false,
};

describe('trace formats', () => {
  it('prints each entity once, indented by depth, even on a cycle', () => {
    expect(formatTrace(cyclic, 'text')).toBe(['run        x "quoted" | piped', '  run        y', '    run        z', 'upstream   2 runs', ''].join('\n'));
    const down = formatTrace({ ...cyclic, direction: 'downstream', counts: {}, truncated: true }, 'text');
    expect(down).toContain('impact     nothing came from it');
    expect(down).toContain('the counts above are complete');
  });

  it('escapes labels for Graphviz and Mermaid', () => {
    const dot = formatTrace(cyclic, 'dot');
    expect(dot).toContain('n0 [label="run\\nx \\"quoted\\" | piped", style="bold"];');
    expect(dot.match(/ -> /g)).toHaveLength(3);
    const mermaid = formatTrace(cyclic, 'mermaid');
    expect(mermaid).toContain('n0["run x #quot;quoted#quot; #124; piped"]');
    expect(mermaid).toContain('n2 -->|read| n0');
    expect(JSON.parse(formatTrace(cyclic, 'json'))).toEqual(cyclic);
    expect(() => formatTrace(cyclic, 'svg')).toThrow(/Unknown trace format/);
  });

  it('counts events and validations by their plural names', () => {
    expect(countPhrase({ validation: 2, event: 1 }, ['event', 'validation'])).toBe('1 event, 2 validations');
    const traced = formatTrace({ ...cyclic, direction: 'downstream', counts: { run: 1, validation: 2, event: 3 } }, 'text');
    expect(traced).toContain('2 validations');
    expect(traced).toContain('3 events');
  });
});
