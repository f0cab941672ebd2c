import { useQueries } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import { Failure, Loading } from '../../components/states';
import { MetricChart } from './metric-chart';

/** `/compare?runs=a,b`: params side by side (differences marked), metrics overlaid over steps. */
export function ComparePage() {
  const ids = (useSearchParams()[0].get('runs') ?? '').split(',').filter(Boolean);
  const runs = useQueries({ queries: ids.map((id) => ({ queryKey: ['run', id], queryFn: () => api.getRun(id) })) });
  const loaded = runs.map((r) => r.data).filter((r) => r !== undefined);
  const metricKeys = [...new Set(loaded.flatMap((r) => Object.keys(r.metrics)))].sort();
  const histories = useQueries({
    queries: metricKeys.flatMap((key) => loaded.map((r) => ({ queryKey: ['metric', r.info.runId, key], queryFn: () => api.metricHistory(r.info.runId, key) }))),
  });
  if (runs.some((r) => r.error)) return <Failure error={runs.find((r) => r.error)!.error} />;
  if (loaded.length < ids.length) return <Loading />;
  const paramKeys = [...new Set(loaded.flatMap((r) => Object.keys(r.params)))].sort();
  return (
    <section aria-labelledby="compare-title">
      <h1 id="compare-title">Compare {loaded.length} runs</h1>
      <h2>Params</h2>
      <table>
        <thead>
          <tr>
            <th>param</th>
            {loaded.map((r) => (
              <th key={r.info.runId}>
                <Link to={`/runs/${r.info.runId}`}>{r.info.name || r.info.runId.slice(-8)}</Link>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {paramKeys.map((k) => {
            const values = loaded.map((r) => r.params[k] ?? '');
            const differs = new Set(values).size > 1;
            return (
              <tr key={k} className={differs ? 'differs' : ''}>
                <th scope="row">
                  {k}
                  {differs ? ' ≠' : ''}
                </th>
                {values.map((v, i) => (
                  <td key={i}>{v}</td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
      <h2>Metrics</h2>
      <div className="two">
        {metricKeys.map((key, k) => (
          <MetricChart key={key} title={key} series={loaded.map((r, i) => ({ name: r.info.name || r.info.runId.slice(-8), points: histories[k * loaded.length + i]?.data ?? [] }))} />
        ))}
      </div>
    </section>
  );
}
