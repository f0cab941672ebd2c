import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { RunSummary } from '../../../../src/tracking/types.js';
import { useExperiments, useRunPages } from '../../api/hooks';
import { Empty, Failure } from '../../components/states';
import { relativeTime } from '../../components/time';

const rowHeight = 28;
const pageSize = 500;

/** `/runs?experiment=…&filter=…&order=…`: runs in a virtualized table, paged from the server as it scrolls. */
export function RunsPage() {
  const [params, setParams] = useSearchParams();
  const experiments = useExperiments();
  const experiment = params.get('experiment') ?? '';
  const filter = params.get('filter') ?? '';
  const order = params.get('order') ?? 'attributes.start_time DESC';
  const columns = (params.get('columns') ?? '').split(',').filter(Boolean);
  const [draft, setDraft] = useState(filter);
  const [picked, setPicked] = useState<string[]>([]);
  const navigate = useNavigate();
  const pages = useRunPages({ experimentIds: experiment ? [experiment] : undefined, filter, orderBy: [order], maxResults: pageSize });
  const runs = useMemo(() => pages.data?.pages.flatMap((p) => p.items) ?? [], [pages.data]);
  const experimentName = new Map((experiments.data ?? []).map((e) => [e.experimentId, e.name]));
  // Column choices from what the loaded runs carry; the first page is enough to offer them.
  const available = useMemo(() => {
    const keys = new Set<string>();
    for (const run of runs.slice(0, 1000)) {
      for (const k of Object.keys(run.params)) keys.add(`params.${k}`);
      for (const k of Object.keys(run.metrics)) keys.add(`metrics.${k}`);
    }
    return [...keys].sort();
  }, [runs]);
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next);
  };
  const sortBy = (field: string) => set('order', order === `${field} DESC` ? `${field} ASC` : `${field} DESC`);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    set('filter', draft.trim());
  };

  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: runs.length, getScrollElement: () => scroller.current, estimateSize: () => rowHeight, overscan: 12 });
  const items = virtual.getVirtualItems();
  const last = items.at(-1);
  useEffect(() => {
    // The next page is asked for before the end is reached, so scrolling does not stop at a page edge.
    if (last && last.index >= runs.length - 100 && pages.hasNextPage && !pages.isFetchingNextPage) void pages.fetchNextPage();
  }, [last, runs.length, pages]);

  const fixed = ['name', 'status', 'started', 'experiment'];
  const grid = { gridTemplateColumns: `32px 2fr 1fr 1.2fr 1.2fr ${columns.map(() => '1fr').join(' ')}` };
  const header = (label: string, field?: string) =>
    field ? (
      <button type="button" className="linkish" onClick={() => sortBy(field)} aria-label={`Sort by ${label}`}>
        {label}
        {order.startsWith(field + ' ') ? (order.endsWith('DESC') ? ' ↓' : ' ↑') : ''}
      </button>
    ) : (
      label
    );

  return (
    <section aria-labelledby="runs-title">
      <h1 id="runs-title">Runs</h1>
      <form className="toolbar" onSubmit={submit}>
        <label>
          Experiment{' '}
          <select value={experiment} onChange={(e) => set('experiment', e.target.value)}>
            <option value="">all</option>
            {(experiments.data ?? []).map((e) => (
              <option key={e.experimentId} value={e.experimentId}>
                {e.name}
              </option>
            ))}
          </select>
        </label>
        <label className="search">
          Filter{' '}
          <input value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="metrics.precision_at_10 > 0.3 and params.k = '5'" spellCheck={false} />
        </label>
        <button type="submit">Apply</button>
        <label>
          Column{' '}
          <select value="" onChange={(e) => e.target.value && set('columns', [...columns, e.target.value].join(','))}>
            <option value="">add a param or metric…</option>
            {available
              .filter((k) => !columns.includes(k))
              .map((k) => (
                <option key={k}>{k}</option>
              ))}
          </select>
        </label>
        {columns.length > 0 && (
          <button type="button" onClick={() => set('columns', '')}>
            Reset columns
          </button>
        )}
        <button type="button" disabled={picked.length < 2} onClick={() => void navigate(`/compare?runs=${picked.join(',')}`)}>
          Compare {picked.length || ''}
        </button>
        <span className="muted" aria-live="polite" data-testid="run-count">
          {runs.length.toLocaleString('en')}
          {pages.hasNextPage ? '+' : ''} runs
        </span>
      </form>
      {pages.error && <Failure error={pages.error} />}
      {!pages.isPending && runs.length === 0 && !pages.error ? (
        <Empty command="threadline run --experiment NAME -- python train.py">No runs match. Record one:</Empty>
      ) : (
        <div className="virtual" ref={scroller} role="table" aria-label="Runs" aria-rowcount={runs.length + 1} data-testid="runs-table">
          <div className="vrow vhead" role="row" style={{ ...grid, height: rowHeight, position: 'sticky' }}>
            <span role="columnheader">pick</span>
            <span role="columnheader">{header('name', 'attributes.run_name')}</span>
            <span role="columnheader">{header('status', 'attributes.status')}</span>
            <span role="columnheader">{header('started', 'attributes.start_time')}</span>
            <span role="columnheader">experiment</span>
            {columns.map((c) => (
              <span role="columnheader" key={c}>
                {header(c, c)}
              </span>
            ))}
          </div>
          <div style={{ height: virtual.getTotalSize(), position: 'relative' }} role="rowgroup">
            {items.map((item) => {
              const run = runs[item.index]!;
              return <RunRow key={run.info.runId} run={run} top={item.start} grid={grid} columns={columns} experiment={experimentName.get(run.info.experimentId)} picked={picked} setPicked={setPicked} index={item.index} />;
            })}
          </div>
        </div>
      )}
      <p className="muted">
        Filter with MLflow's grammar: <code>metrics.auc &gt; 0.8</code>, <code>params.k = '5'</code>, <code>tags.team = 'reco'</code>, <code>attributes.status = 'FINISHED'</code>, joined with <code>and</code>. {fixed.length} fixed columns.
      </p>
    </section>
  );
}

function cell(run: RunSummary, column: string): string {
  const [kind, ...rest] = column.split('.');
  const key = rest.join('.');
  if (kind === 'params') return run.params[key] ?? '';
  if (kind === 'metrics') return run.metrics[key]?.value.toPrecision(4) ?? '';
  return '';
}

function RunRow(props: { run: RunSummary; top: number; grid: object; columns: string[]; experiment?: string; picked: string[]; setPicked: (ids: string[]) => void; index: number }) {
  const { run, picked } = props;
  const id = run.info.runId;
  const checked = picked.includes(id);
  return (
    <div className="vrow" role="row" aria-rowindex={props.index + 2} style={{ ...props.grid, top: props.top, height: rowHeight }}>
      <span role="cell">
        <input type="checkbox" checked={checked} aria-label={`Pick ${run.info.name} to compare`} onChange={() => props.setPicked(checked ? picked.filter((p) => p !== id) : [...picked, id])} />
      </span>
      <span role="cell">
        <Link to={`/runs/${id}`}>{run.info.name || id.slice(-8)}</Link>
      </span>
      <span role="cell">{run.info.status}</span>
      <span role="cell" title={new Date(run.info.startTime).toISOString()}>
        {relativeTime(run.info.startTime)}
      </span>
      <span role="cell">{props.experiment ?? run.info.experimentId}</span>
      {props.columns.map((c) => (
        <span role="cell" key={c}>
          {cell(run, c)}
        </span>
      ))}
    </div>
  );
}
