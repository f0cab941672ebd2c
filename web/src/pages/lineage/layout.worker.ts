import ELK, { type ElkNode } from 'elkjs/lib/elk.bundled.js';
import type { LayoutRequest, LayoutResult } from './layout';
import { layeredLayout } from './layered';

/**
 * The most nodes laid out by ELK. Past it ELK takes seconds (1.5 s for 1,000 nodes in Node on its
 * first run, 5 s in a loaded browser's worker); the in-repo layered layout takes tens of ms.
 */
const elkLimit = 200;

// Layout runs here, off the main thread: a graph of a thousand nodes never freezes the page.
// ELK is imported statically: loaded later (import()), elk.bundled.js takes over the worker's messages.
const elk = new ELK();

async function withElk({ nodes, edges }: LayoutRequest): Promise<Omit<LayoutResult, 'id' | 'ms'>> {
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.layered.spacing.nodeNodeBetweenLayers': '70',
      'elk.spacing.nodeNode': '18',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      // React Flow draws its own edges: ELK's routes are not used, and polylines are its cheapest.
      'elk.edgeRouting': 'POLYLINE',
    },
    children: nodes.map((n) => ({ id: n.id, width: n.width, height: n.height })),
    edges: edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  };
  const laid = await elk.layout(graph);
  const positions: LayoutResult['positions'] = {};
  for (const child of laid.children ?? []) positions[child.id] = { x: child.x ?? 0, y: child.y ?? 0 };
  return { positions, width: laid.width ?? 0, height: laid.height ?? 0, engine: 'elk' };
}

async function onMessage(event: MessageEvent<LayoutRequest>): Promise<void> {
  const request = event.data;
  try {
    const began = performance.now();
    const size = { width: request.nodes[0]?.width ?? 0, height: request.nodes[0]?.height ?? 0 };
    const laid = request.nodes.length <= elkLimit ? await withElk(request) : { ...layeredLayout(request.nodes, request.edges, size), engine: 'layered' as const };
    self.postMessage({ id: request.id, ...laid, ms: performance.now() - began } satisfies LayoutResult);
  } catch (error) {
    self.postMessage({ id: request.id, positions: {}, width: 0, height: 0, engine: 'elk', ms: 0, error: String(error) } satisfies LayoutResult);
  }
}

self.onmessage = onMessage;
