import { Link, useParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { usePrediction } from '../../api/hooks';
import { Id } from '../../components/copy-button';
import { Facts, JsonBlock, Query } from '../../components/states';
import { Time } from '../../components/time';
import { lineageOf } from '../../entity-links';

/** A prediction: its request, response, feedback, and its thread as `threadline trace` prints it. */
export function PredictionPage() {
  const id = useParams().id ?? '';
  const prediction = usePrediction(id);
  const thread = useQuery({ queryKey: ['thread', id], queryFn: () => api.formatTrace(id, 'text', { type: 'prediction' }) });
  return (
    <Query query={prediction}>
      {(p) => (
        <section aria-labelledby="prediction-title">
          <h1 id="prediction-title">
            Prediction <Id value={p.id} />
          </h1>
          <p className="actions">
            <Link to={lineageOf({ type: 'prediction', id: p.id }, 10)}>Open its graph</Link>
            {p.runId && <Link to={`/runs/${p.runId}`}>Its run</Link>}
            {p.deploymentId && <Link to={`/deployments/${encodeURIComponent(p.deploymentId.split('#')[0]!)}`}>Its deployment timeline</Link>}
          </p>
          <Facts
            rows={[
              ['served', <Time ms={p.time} />],
              ['deployment', p.deploymentId],
              ['model', p.modelName ? `${p.modelName}/${p.modelVersion}` : null],
              ['request', `${p.method} ${p.path} → ${p.status} in ${p.latencyMs.toFixed(1)} ms`],
              ['git sha', p.gitSha],
              ['error', p.error],
            ]}
          />
          <div className="two">
            <div>
              <h2>Request</h2>
              <JsonBlock value={p.requestBody ?? ''} label="Request body" />
            </div>
            <div>
              <h2>Response</h2>
              <JsonBlock value={p.responseBody ?? ''} label="Response body" />
            </div>
          </div>
          <h2>Feedback</h2>
          {p.feedback.length === 0 ? (
            <p className="muted">
              No ground truth yet: <code>threadline feedback labels.csv</code> (prediction_id,label).
            </p>
          ) : (
            <ul>
              {p.feedback.map((f) => (
                <li key={f.time}>
                  <code>{JSON.stringify(f.label)}</code> {f.source ?? ''} <Time ms={f.time} />
                </li>
              ))}
            </ul>
          )}
          <h2>Its thread</h2>
          <Query query={thread}>{(text) => <pre className="thread" data-testid="thread" tabIndex={0}>{text}</pre>}</Query>
        </section>
      )}
    </Query>
  );
}
