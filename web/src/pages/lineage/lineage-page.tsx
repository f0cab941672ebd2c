import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { Background, Controls, MiniMap, ReactFlow, type Edge, type Node, type NodeMouseHandler } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { TraceOptions, TraceResult } from '../../../../src/lineage/trace-types.js';
import type { EntityType } from '../../../../src/lineage/types.js';
import { api } from '../../api/client';
import { Failure, Loading } from '../../components/states';
import { Id } from '../../components/copy-button';
import { lineageOf, pageOf } from '../../entity-links';
import { emptyGraph, keyOf, mergeTrace, shownGraph, type LoadedGraph, type ShownNode } from './graph-model';
import { download, graphSvg, svgToPng } from './export';
import { layoutGraph, nodeHeight, nodeWidth } from './layout';

type Direction = 'both' | 'upstream' | 'downstream';
const nothing: ReturnType<typeof shownGraph> = { nodes: [], edges: [] };
/** Past this many nodes only what is in view is drawn, and edges go unlabelled. */
const bigGraph = 200;
/** Types the server's resolver takes as a hint (`trace run 3f9d…`); others are found by id alone. */
const hintable = new Set<EntityType>(['run', 'code', 'data', 'environment', 'artifact', 'model_version', 'image', 'deployment', 'prediction', 'event', 'validation']);

async function traceAround(id: string, type: EntityType, depth: number, direction: Direction): Promise<TraceResult[]> {
  const options: TraceOptions = { depth, ...(hintable.has(type) && { type }) };
  const sides: ('upstream' | 'downstream')[] = direction === 'both' ? ['upstream', 'downstream'] : [direction];
  return Promise.all(sides.map((side) => api.trace(id, { ...options, direction: side })));
}

/** `/lineage/TYPE/ID`: the graph grown from one entity, left (what it came from) to right (what came from it). */
export function LineagePage() {
  const { type = 'run', id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const depth = Number(params.get('depth') ?? 2);
  const direction = (params.get('direction') ?? 'both') as Direction;
  const startKey = keyOf({ type, id });
  const [graph, setGraph] = useState<LoadedGraph>(emptyGraph);
  const [error, setError] = useState<unknown>();
  const [opened, setOpened] = useState<Set<string>>(new Set());
  const [selected, setSelected] = useState<string>(startKey);
  // The graph as last laid out: what is drawn (never nodes piled at the origin while a layout runs).
  const [laid, setLaid] = useState<{ shown: ReturnType<typeof shownGraph>; positions: Record<string, { x: number; y: number }>; ms: number; engine: string; engineMs: number; version: number }>();
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(undefined);
    traceAround(id, type as EntityType, depth, direction)
      .then((traces) => live && setGraph(traces.reduce(mergeTrace, emptyGraph())))
      .catch((e: unknown) => live && setError(e))
      .finally(() => live && setLoading(false));
    setSelected(startKey);
    setOpened(new Set());
    setLaid(undefined);
    return () => {
      live = false;
    };
  }, [id, type, depth, direction, startKey]);

  const shown = useMemo(() => shownGraph(graph, startKey, opened), [graph, startKey, opened]);

  // Layout off the main thread; a newer graph supersedes an older layout still running.
  const generation = useRef(0);
  useEffect(() => {
    if (shown.nodes.length === 0) return;
    const mine = ++generation.current;
    const began = performance.now();
    layoutGraph(
      shown.nodes.map((n) => ({ id: n.key })),
      shown.edges.map((e) => ({ id: e.key, source: e.source, target: e.target })),
    )
      .then((result) => {
        if (mine !== generation.current) return;
        // A new version each layout: the flow is drawn anew, fitted to the laid-out graph.
        setLaid((last) => ({ shown, positions: result.positions, ms: performance.now() - began, engine: result.engine, engineMs: result.ms, version: (last?.version ?? 0) + 1 }));
      })
      .catch((e: unknown) => setError(e));
  }, [shown]);

  const drawn = laid?.shown ?? nothing;
  const positions = laid?.positions ?? {};
  const flowNodes: Node[] = useMemo(
    () =>
      drawn.nodes.map((n) => ({
        id: n.key,
        position: positions[n.key] ?? { x: 0, y: 0 },
        // Sized as laid out: React Flow fits the view without measuring a thousand nodes first.
        width: nodeWidth,
        height: nodeHeight,
        data: { label: <NodeLabel node={n} /> },
        className: `tl-node tl-${n.type}${n.start ? ' tl-start' : ''}${n.count ? ' tl-count' : ''}${n.key === selected ? ' tl-selected' : ''}`,
        ariaLabel: `${n.label}: ${n.summary}`,
        sourcePosition: 'right' as never,
        targetPosition: 'left' as never,
      })),
    [drawn, positions, selected],
  );
  // Labels on a few hundred edges at most: each is measured in the page (the panel names relations).
  const big = drawn.nodes.length > bigGraph;
  const flowEdges: Edge[] = useMemo(() => drawn.edges.map((e) => ({ id: e.key, source: e.source, target: e.target, ...(!big && { label: e.relation }), className: 'tl-edge' })), [drawn, big]);

  const expand = async (node: ShownNode) => {
    const loaded = graph.nodes.get(node.key);
    if (!loaded) return;
    try {
      const traces = await traceAround(loaded.id, loaded.type, 1, 'both');
      setGraph((g) => traces.reduce(mergeTrace, g));
    } catch (e) {
      setError(e);
    }
  };
  const onNodeClick: NodeMouseHandler = (_, node) => setSelected(node.id);
  const selectedNode = shown.nodes.find((n) => n.key === selected);
  const setParam = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    next.set(key, value);
    setParams(next);
  };
  const exportAs = async (format: 'svg' | 'png' | 'mermaid' | 'dot') => {
    const name = `threadline-${type}-${id.replace(/[^\w.-]+/g, '_')}`;
    if (format === 'svg') return download(`${name}.svg`, graphSvg(drawn.nodes, drawn.edges, positions), 'image/svg+xml');
    if (format === 'png') return download(`${name}.png`, await svgToPng(graphSvg(drawn.nodes, drawn.edges, positions)));
    const side = direction === 'downstream' ? 'downstream' : 'upstream';
    const text = await api.formatTrace(id, format, { depth, direction: side, ...(hintable.has(type as EntityType) && { type }) });
    download(`${name}.${format === 'mermaid' ? 'mmd' : 'dot'}`, text);
  };

  return (
    <section aria-labelledby="lineage-title" className="lineage">
      <h1 id="lineage-title">
        Lineage of {type.replace('_', ' ')} <Id value={id} short />
      </h1>
      <div className="toolbar" role="toolbar" aria-label="Graph controls">
        <label>
          Depth{' '}
          <select value={depth} onChange={(e) => setParam('depth', e.target.value)}>
            {[1, 2, 3, 4, 6, 10].map((d) => (
              <option key={d}>{d}</option>
            ))}
          </select>
        </label>
        <label>
          Direction{' '}
          <select value={direction} onChange={(e) => setParam('direction', e.target.value)}>
            <option value="both">both</option>
            <option value="upstream">upstream (what it came from)</option>
            <option value="downstream">downstream (what came from it)</option>
          </select>
        </label>
        <span className="muted" aria-live="polite">
          {loading ? 'loading…' : `${shown.nodes.length} nodes${laid === undefined ? '' : `, laid out in ${Math.round(laid.ms)} ms`}`}
        </span>
        <span className="spacer" />
        Export:
        {(['svg', 'png', 'mermaid', 'dot'] as const).map((f) => (
          <button key={f} type="button" onClick={() => void exportAs(f).catch(setError)}>
            {f.toUpperCase()}
          </button>
        ))}
      </div>
      {error !== undefined && <Failure error={error} />}
      {loading && shown.nodes.length === 0 ? (
        <Loading />
      ) : (
        <div className="lineage-body">
          <div className="graph" data-testid="graph" data-laid-out={laid?.shown === shown ? 'yes' : 'no'} data-layout-ms={laid && Math.round(laid.ms)} data-engine={laid?.engine} data-engine-ms={laid && Math.round(laid.engineMs)}>
            <ReactFlow key={laid?.version ?? 0} nodes={flowNodes} edges={flowEdges} onNodeClick={onNodeClick} fitView fitViewOptions={{ maxZoom: 1.2 }} onlyRenderVisibleElements={big} nodesDraggable={false} nodesConnectable={false} minZoom={0.05} proOptions={{ hideAttribution: true }}>
              <Background />
              <Controls />
              <MiniMap pannable zoomable ariaLabel="Overview of the graph" nodeColor={(n) => (n.className?.includes('tl-start') ? '#0b57d0' : '#8c959f')} />
            </ReactFlow>
          </div>
          <aside className="panel" aria-label="Selected node">
            {selectedNode ? <NodePanel node={selectedNode} graph={graph} onExpand={() => void expand(selectedNode)} onOpenGroup={() => setOpened(new Set([...opened, selectedNode.key]))} /> : <p className="muted">Click a node.</p>}
            <h2>Nodes</h2>
            <ul className="node-list">
              {shown.nodes.map((n) => (
                <li key={n.key}>
                  <button type="button" className="linkish" onClick={() => setSelected(n.key)} aria-current={n.key === selected}>
                    {n.label}: {n.summary}
                  </button>
                </li>
              ))}
            </ul>
          </aside>
        </div>
      )}
    </section>
  );
}

function NodeLabel({ node }: { node: ShownNode }) {
  return (
    <div>
      <div className="tl-node-type">{node.label}</div>
      <div className="tl-node-summary">{node.summary}</div>
    </div>
  );
}

function NodePanel({ node, graph, onExpand, onOpenGroup }: { node: ShownNode; graph: LoadedGraph; onExpand: () => void; onOpenGroup: () => void }) {
  const entity = graph.nodes.get(node.key);
  if (!entity) {
    return (
      <div>
        <h2>{node.label}</h2>
        <p>{node.summary}</p>
        {node.members && (
          <button type="button" onClick={onOpenGroup}>
            Show all {node.count}
          </button>
        )}
        {node.type === 'prediction' && <Link to="/predictions">Open the prediction log</Link>}
      </div>
    );
  }
  return (
    <div>
      <h2>{node.label}</h2>
      <p>
        <Id value={entity.id} />
      </p>
      <p>{entity.summary}</p>
      <div className="actions">
        <Link to={pageOf(entity)}>Open {node.label}</Link>
        <button type="button" onClick={onExpand}>
          Expand neighbours
        </button>
        <Link to={lineageOf(entity)}>Grow from here</Link>
      </div>
      <details>
        <summary>Facts</summary>
        <pre className="json">
          <code>{JSON.stringify(entity.facts, null, 2)}</code>
        </pre>
      </details>
    </div>
  );
}
