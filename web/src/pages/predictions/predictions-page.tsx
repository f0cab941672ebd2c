import { Link, useSearchParams } from 'react-router';
import { usePredictions } from '../../api/hooks';
import { Empty, Query } from '../../components/states';
import { Time } from '../../components/time';

/**
 * `/predictions?deployment=prod%232&since=1h&status=error&min_latency=100`: the prediction log,
 * newest first. Deployment and time are asked of the server; status and latency narrow what came back.
 */
export function PredictionsPage() {
  const [params, setParams] = useSearchParams();
  const deployment = params.get('deployment') ?? '';
  const since = params.get('since') ?? '';
  const status = params.get('status') ?? '';
  const minLatency = Number(params.get('min_latency') ?? 0);
  const predictions = usePredictions({ deploymentId: deployment || undefined, since: since || undefined, limit: 1000 });
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next);
  };
  return (
    <section aria-labelledby="predictions-title">
      <h1 id="predictions-title">Predictions</h1>
      <div className="toolbar">
        <label>
          Deployment <input value={deployment} onChange={(e) => set('deployment', e.target.value)} placeholder="prod#2" size={10} />
        </label>
        <label>
          Since{' '}
          <select value={since} onChange={(e) => set('since', e.target.value)}>
            <option value="">any time</option>
            {['15m', '1h', '24h', '7d'].map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Status{' '}
          <select value={status} onChange={(e) => set('status', e.target.value)}>
            <option value="">any</option>
            <option value="ok">2xx</option>
            <option value="error">4xx/5xx</option>
          </select>
        </label>
        <label>
          Latency ≥ <input type="number" min={0} value={minLatency || ''} onChange={(e) => set('min_latency', e.target.value)} size={6} /> ms
        </label>
      </div>
      <Query query={predictions}>
        {(list) => {
          const shown = list.filter((p) => (status === 'ok' ? p.status < 400 : status === 'error' ? p.status >= 400 : true) && p.latencyMs >= minLatency);
          if (shown.length === 0) return <Empty command="threadline deploy MODEL@ALIAS --env prod --target local   # then send requests to it">No predictions match.</Empty>;
          return (
            <table>
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
                    <td>{p.status}</td>
                    <td>{p.latencyMs.toFixed(1)} ms</td>
                  </tr>
                ))}
              </tbody>
            </table>
          );
        }}
      </Query>
    </section>
  );
}
