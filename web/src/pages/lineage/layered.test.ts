import { describe, expect, it } from 'vitest';
import { layeredLayout, nonDecreasing } from './layered';

const size = { width: 230, height: 58 };

/** A data version read by `fan` runs, each writing its own output (the bench's graph). */
function fanGraph(fan: number) {
  const nodes = [{ id: 'd' }];
  const edges: { source: string; target: string }[] = [];
  for (let i = 0; i < fan; i += 1) {
    nodes.push({ id: `r${i}` }, { id: `f${i}` });
    edges.push({ source: 'd', target: `r${i}` }, { source: `r${i}`, target: `f${i}` });
  }
  return { nodes, edges };
}

describe('layeredLayout', () => {
  it('draws every edge left to right and no two nodes over each other', () => {
    const { nodes, edges } = fanGraph(500);
    const { positions, height } = layeredLayout(nodes, edges, size);
    for (const e of edges) expect(positions[e.target]!.x).toBeGreaterThan(positions[e.source]!.x);
    const columns = new Map<number, number[]>();
    for (const p of Object.values(positions)) columns.set(p.x, [...(columns.get(p.x) ?? []), p.y]);
    expect([...columns.keys()].sort((a, b) => a - b)).toEqual([0, 300, 600]);
    for (const ys of columns.values()) {
      const sorted = ys.sort((a, b) => a - b);
      for (let i = 1; i < sorted.length; i += 1) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThanOrEqual(size.height + 18 - 1e-6);
    }
    // The shared input sits level with the middle of what read it; each output beside its run.
    const runs = Array.from({ length: 500 }, (_, i) => positions[`r${i}`]!.y);
    expect(positions.d!.y).toBeCloseTo((Math.min(...runs) + Math.max(...runs)) / 2, 0);
    for (let i = 0; i < 500; i += 1) expect(positions[`f${i}`]!.y).toBeCloseTo(positions[`r${i}`]!.y, 6);
    expect(height).toBe(500 * 76 - 18);
  });

  it('puts a source next to its nearest successor and survives a cycle', () => {
    const { positions } = layeredLayout(
      [{ id: 'data' }, { id: 'run' }, { id: 'model' }, { id: 'deploy' }, { id: 'commit' }, { id: 'b' }],
      [
        { source: 'data', target: 'run' },
        { source: 'run', target: 'model' },
        { source: 'model', target: 'deploy' },
        { source: 'commit', target: 'deploy' },
        { source: 'deploy', target: 'b' },
        { source: 'b', target: 'model' },
      ],
      size,
    );
    expect(positions.commit!.x).toBe(positions.deploy!.x - 300);
    expect(new Set(Object.values(positions).map((p) => `${p.x},${p.y}`)).size).toBe(6);
  });
});

describe('nonDecreasing', () => {
  it('pools adjacent violators into their mean', () => {
    expect(nonDecreasing([1, 3, 2, 4])).toEqual([1, 2.5, 2.5, 4]);
    expect(nonDecreasing([5, 4, 3])).toEqual([4, 4, 4]);
    expect(nonDecreasing([])).toEqual([]);
  });
});
