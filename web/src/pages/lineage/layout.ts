export interface LayoutRequest {
  id: number;
  nodes: { id: string; width: number; height: number }[];
  edges: { id: string; source: string; target: string }[];
}

export interface LayoutResult {
  id: number;
  positions: Record<string, { x: number; y: number }>;
  width: number;
  height: number;
  /** Which layout drew it: ELK, or the linear-time layered layout past the worker's `elkLimit` nodes. */
  engine: 'elk' | 'layered';
  /** The layout's own time in the worker, without the message round trip. */
  ms: number;
  error?: string;
}

export const nodeWidth = 230;
export const nodeHeight = 58;


let worker: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, (result: LayoutResult) => void>();

/** Left-to-right layered layout (ELK, or `layeredLayout` for big graphs) in a Web Worker; the latest request per caller wins at the caller. */
function layoutWorker(): Worker {
  if (!worker) {
    worker = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<LayoutResult>) => {
      waiting.get(event.data.id)?.(event.data);
      waiting.delete(event.data.id);
    };
  }
  return worker;
}

/** Starts the worker while the browser is idle, before a graph needs it. */
export function warmLayout(): void {
  const start = () => void layoutWorker();
  if ('requestIdleCallback' in window) requestIdleCallback(start);
  else setTimeout(start, 200);
}

export function layoutGraph(nodes: { id: string }[], edges: { id: string; source: string; target: string }[]): Promise<LayoutResult> {
  const id = ++nextId;
  const request: LayoutRequest = { id, nodes: nodes.map((n) => ({ id: n.id, width: nodeWidth, height: nodeHeight })), edges };
  return new Promise((resolve, reject) => {
    waiting.set(id, (result) => (result.error ? reject(new Error(result.error)) : resolve(result)));
    layoutWorker().postMessage(request);
  });
}
