/**
 * A left-to-right layered layout in linear time per pass, for graphs too big for ELK to lay out
 * in under a second (a cold ELK takes 1.5–5 s on 1,000 nodes, most of it its first run's JIT):
 * longest-path layers, tightened towards their successors; barycenter ordering sweeps; and
 * vertical positions that sit each node at the mean of its neighbours without overlap (isotonic
 * regression, pool-adjacent-violators). Edges are drawn by React Flow, so none are routed here.
 *
 * @example
 * layeredLayout([{ id: 'a' }, { id: 'b' }], [{ source: 'a', target: 'b' }], { width: 230, height: 58 });
 * // { positions: { a: { x: 0, y: 0 }, b: { x: 300, y: 0 } }, width: 530, height: 58 }
 */
export interface LayeredOptions {
  width: number;
  height: number;
  /** Between layers (horizontal) and between nodes of one layer (vertical). */
  layerGap?: number;
  nodeGap?: number;
  sweeps?: number;
}

export function layeredLayout(nodes: { id: string }[], edges: { source: string; target: string }[], options: LayeredOptions) {
  const { width, height, layerGap = 70, nodeGap = 18, sweeps = 4 } = options;
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const n = nodes.length;
  const succ: number[][] = Array.from({ length: n }, () => []);
  const pred: number[][] = Array.from({ length: n }, () => []);
  for (const e of edges) {
    const s = index.get(e.source);
    const t = index.get(e.target);
    if (s === undefined || t === undefined || s === t) continue;
    succ[s]!.push(t);
    pred[t]!.push(s);
  }
  const order = topologicalOrder(n, succ);
  // Edges against the order (a cycle) are ignored for layering.
  const rank = new Array<number>(n);
  order.forEach((v, i) => (rank[v] = i));
  const forward = (u: number, v: number) => rank[u]! < rank[v]!;

  const layer = new Array<number>(n).fill(0);
  for (const v of order) for (const u of pred[v]!) if (forward(u, v)) layer[v] = Math.max(layer[v]!, layer[u]! + 1);
  // A source sits just before its nearest successor, not in the first layer (a commit next to its run).
  for (let i = order.length - 1; i >= 0; i -= 1) {
    const v = order[i]!;
    const next = succ[v]!.filter((t) => forward(v, t)).map((t) => layer[t]!);
    if (pred[v]!.length === 0 && next.length > 0) layer[v] = Math.min(...next) - 1;
  }

  const layers: number[][] = [];
  for (const v of order) (layers[layer[v]!] ??= []).push(v);
  const compact = layers.filter((l) => l !== undefined);
  const pos = new Array<number>(n).fill(0);
  const place = () => compact.forEach((l) => l.forEach((v, i) => (pos[v] = (i + 0.5) / l.length)));
  place();
  const sortBy = (l: number[], neighbours: number[][]) => {
    const key = new Map(l.map((v) => [v, neighbours[v]!.length ? mean(neighbours[v]!.map((u) => pos[u]!)) : pos[v]!]));
    l.sort((a, b) => key.get(a)! - key.get(b)!);
    l.forEach((v, i) => (pos[v] = (i + 0.5) / l.length));
  };
  for (let s = 0; s < sweeps; s += 1) {
    for (const l of compact) sortBy(l, pred);
    for (let i = compact.length - 1; i >= 0; i -= 1) sortBy(compact[i]!, succ);
  }

  // Vertical centres: stacked in order first, then pulled to their neighbours' mean, layer by layer.
  const step = height + nodeGap;
  const y = new Array<number>(n).fill(0);
  compact.forEach((l) => l.forEach((v, i) => (y[v] = i * step)));
  const settle = (l: number[], neighbours: (v: number) => number[]) => {
    const want = l.map((v) => {
      const near = neighbours(v);
      return near.length ? mean(near.map((u) => y[u]!)) : y[v]!;
    });
    const fit = nonDecreasing(want.map((w, i) => w - i * step));
    l.forEach((v, i) => (y[v] = fit[i]! + i * step));
  };
  for (let s = 0; s < sweeps; s += 1) {
    for (const l of compact) settle(l, (v) => pred[v]!);
    for (let i = compact.length - 1; i >= 0; i -= 1) settle(compact[i]!, (v) => succ[v]!);
  }
  for (const l of compact) settle(l, (v) => [...pred[v]!, ...succ[v]!]);

  const top = Math.min(...y);
  const positions: Record<string, { x: number; y: number }> = {};
  const layerOf = new Map<number, number>();
  compact.forEach((l, i) => l.forEach((v) => layerOf.set(v, i)));
  let bottom = 0;
  nodes.forEach((node, v) => {
    positions[node.id] = { x: layerOf.get(v)! * (width + layerGap), y: y[v]! - top };
    bottom = Math.max(bottom, y[v]! - top + height);
  });
  return { positions, width: compact.length * (width + layerGap) - layerGap, height: bottom };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Depth-first finishing order, reversed: every edge not closing a cycle points forward. */
function topologicalOrder(n: number, succ: number[][]): number[] {
  const seen = new Uint8Array(n);
  const out: number[] = [];
  for (let root = 0; root < n; root += 1) {
    if (seen[root]) continue;
    // Iterative: a chain of thousands of nodes must not overflow the stack.
    const stack: [number, number][] = [[root, 0]];
    seen[root] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const next = succ[top[0]]![top[1]++];
      if (next === undefined) {
        out.push(top[0]);
        stack.pop();
      } else if (!seen[next]) {
        seen[next] = 1;
        stack.push([next, 0]);
      }
    }
  }
  return out.reverse();
}

/** The closest non-decreasing sequence to `xs` in least squares (pool adjacent violators). */
export function nonDecreasing(xs: number[]): number[] {
  const blocks: { sum: number; count: number }[] = [];
  for (const x of xs) {
    blocks.push({ sum: x, count: 1 });
    while (blocks.length > 1) {
      const last = blocks[blocks.length - 1]!;
      const prev = blocks[blocks.length - 2]!;
      if (prev.sum / prev.count <= last.sum / last.count) break;
      prev.sum += last.sum;
      prev.count += last.count;
      blocks.pop();
    }
  }
  return blocks.flatMap((b) => new Array<number>(b.count).fill(b.sum / b.count));
}
