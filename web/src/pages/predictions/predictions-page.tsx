import { Link, useSearchParams } from 'react-router';
import { usePredictionPages } from '../../api/hooks';
import { Empty, Query } from '../../components/states';
import { Time } from '../../components/time';
import { statusFromText } from '../../../../src/serving/list-query.js';

/** Rows a page (`?limit=` asks for others, up to 1,000). */
const defaultPageSize = 100;
const statuses: [string, string][] = [
  ['ok', 'below 400'],
  ['error', '400 and up'],
  ...['400', '404', '422', '429', '500', '502', '503', '504'].map((code): [string, string] => [code, code]),
];

/**
 * `/predictions?deployment=prod%232&model=reco&since=1h&until=15m&status=error&min_latency=100&max_latency=500&limit=100`:
 * the prediction log, newest first, every filter asked of the server; older pages on demand.
 */
export function PredictionsPage() {
  const [params, setParams] = useSearchParams();
  const get = (key: string) => params.get(key) ?? '';
  const number = (key: string) => (get(key) === '' ? undefined : Number(get(key)));
  const status = get('status');
  const pageSize = Math.min(Math.max(Math.trunc(Number(get('limit'))) || defaultPageSize, 1), 1000);
  const pages = usePredictionPages({
    deploymentId: get('deployment') || undefined,
    modelName: get('model') || undefined,
    since: get('since') || undefined,
    until: get('until') || undefined,
    status: status ? statusFromText(status) : undefined,
    minLatencyMs: number('min_latency'),
    maxLatencyMs: number('max_latency'),
    limit: pageSize,
  });
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  return (
    <section aria-labelledby="predictions-title">
      <h1 id="predictions-title">Predictions</h1>
      <div className="toolbar" role="group" aria-label="Filters">
        <label>
          Deployment <input value={get('deployment')} onChange={(e) => set('deployment', e.target.value)} placeholder="prod#2" size={10} />
        </label>
        <label>
          Model <input value={get('model')} onChange={(e) => set('model', e.target.value)} placeholder="reco" size={12} />
        </label>
        <AgoSelect label="Since" unset="any time" value={get('since')} onChange={(value) => set('since', value)} />
        <AgoSelect label="Until" unset="now" value={get('until')} onChange={(value) => set('until', value)} />
        <label>
          Status{' '}
          <select value={status} onChange={(e) => set('status', e.target.value)}>
            <option value="">any</option>
            {statuses.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Latency ≥ <input type="number" min={0} value={get('min_latency')} onChange={(e) => set('min_latency', e.target.value)} size={6} /> ms
        </label>
        <label>
          ≤ <input type="number" min={0} value={get('max_latency')} onChange={(e) => set('max_latency', e.target.value)} size={6} aria-label="Latency at most (ms)" /> ms
        </label>
      </div>
      <Query query={pages}>
        {({ pages: loaded }) => {
          const shown = loaded.flat();
          if (shown.length === 0) return <Empty command="threadline deploy MODEL@ALIAS --env prod --target local   # then send requests to it">No predictions match.</Empty>;
          return (
            <>
              <table data-testid="predictions">
                <thead>
                  <tr>
                    <th>prediction</th>
                    <th>served</th>
                    <th>deployment</th>
                    <th>model</th>
                    <th>status</th>
                    <th>latency</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((p) => (
                    <tr key={p.id}>
                      <td>
                        <Link to={`/predictions/${p.id}`}>
                          <code>{p.id}</code>
                        </Link>
                      </td>
                      <td>
                        <Time ms={p.time} />
                      </td>
                      <td>{p.deploymentId ?? '-'}</td>
                      <td>{p.modelName ? `${p.modelName}/${p.modelVersion}` : '-'}</td>
                      <td className={p.status >= 400 ? 'sev sev-error' : ''}>{p.status}</td>
                      <td>{p.latencyMs.toFixed(1)} ms</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p className="actions">
                <span data-testid="prediction-count" role="status">
                  {shown.length.toLocaleString('en')} shown, newest first
                </span>
                {pages.hasNextPage && (
                  <button type="button" onClick={() => void pages.fetchNextPage()} disabled={pages.isFetchingNextPage}>
                    {pages.isFetchingNextPage ? 'Loading older…' : 'Older predictions'}
                  </button>
                )}
              </p>
            </>
          );
        }}
      </Query>
    </section>
  );
}

const agoChoices = ['15m', '1h', '24h', '7d'];

/** A time filter as a duration back from now (`since`, `until`), or none. */
function AgoSelect({ label, unset, value, onChange }: { label: string; unset: string; value: string; onChange: (value: string) => void }) {
  return (
    <label>
      {label}{' '}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{unset}</option>
        {agoChoices.map((s) => (
          <option key={s} value={s}>
            {s} ago
          </option>
        ))}
      </select>
    </label>
  );
}
