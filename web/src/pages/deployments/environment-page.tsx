import { useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { useDeployments, useRollback } from '../../api/hooks';
import { Failure, Query } from '../../components/states';
import { Id } from '../../components/copy-button';
import { Time } from '../../components/time';
import { lineageOf } from '../../entity-links';

/** `/deployments/ENV`: ENV#1…N as a timeline (what replaced what, and why), and a rollback with confirmation. */
export function EnvironmentPage() {
  const environment = useParams().env ?? '';
  const deployments = useDeployments(environment);
  const plan = useQuery({ queryKey: ['rollback-plan', environment, deployments.data?.[0]?.id], queryFn: () => api.planRollback(environment), retry: false });
  const rollback = useRollback(environment);
  const dialog = useRef<HTMLDialogElement>(null);
  const [done, setDone] = useState<string>();
  const confirm = async () => {
    dialog.current?.close();
    const deployment = await rollback.mutateAsync(undefined);
    setDone(`${deployment.id} ${deployment.status}`);
  };
  return (
    <section aria-labelledby="env-title">
      <h1 id="env-title">Environment {environment}</h1>
      <div className="actions">
        <button type="button" onClick={() => dialog.current?.showModal()} disabled={!plan.data || rollback.isPending}>
          Roll back…
        </button>
        {plan.data && (
          <span className="muted">
            would put back {plan.data.subject.modelName}/{plan.data.subject.modelVersion} on the {plan.data.target} target, replacing {plan.data.current.id}
          </span>
        )}
        {plan.error !== null && plan.error !== undefined && <span className="muted">{(plan.error as Error).message}</span>}
        {rollback.isPending && <span role="status">rolling back…</span>}
        {done && <span role="status">rolled back: {done}</span>}
      </div>
      {rollback.error && <Failure error={rollback.error} />}
      <dialog ref={dialog} aria-labelledby="confirm-title">
        <h2 id="confirm-title">Roll back {environment}?</h2>
        {plan.data && (
          <p>
            {plan.data.current.id} ({plan.data.current.modelName}/{plan.data.current.modelVersion}) will be replaced by {plan.data.subject.modelName}/{plan.data.subject.modelVersion}
            {plan.data.subject.imageReference ? ` (${plan.data.subject.imageReference})` : ''}, run here on the server by its {plan.data.target} target.
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={() => void confirm()}>
            Confirm rollback
          </button>
          <button type="button" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
        </div>
      </dialog>
      <h2>Timeline</h2>
      <Query query={deployments}>
        {(list) => (
          <ol className="timeline" aria-label={`Deployments of ${environment}, newest first`} data-testid="timeline">
            {list.map((d) => (
              <li key={d.id} className={d.current ? 'current' : ''}>
                <strong>
                  <Link to={lineageOf({ type: 'deployment', id: d.id })}>{d.id}</Link>
                </strong>{' '}
                {d.current && <em>(runs now)</em>} {d.status} · {d.reason} · {d.modelName}/{d.modelVersion} on {d.target} by {d.actor} <Time ms={d.createdAt} />
                <div className="muted">
                  {d.replacedId ? `replaced ${d.replacedId}` : 'first deployment'}
                  {d.runId && (
                    <>
                      {' '}
                      · run <Link to={`/runs/${d.runId}`}>{d.runId.slice(-8)}</Link>
                    </>
                  )}
                  {d.imageReference && (
                    <>
                      {' '}
                      · image <Id value={d.imageReference} short />
                    </>
                  )}
                  {' · '}
                  <Link to={`/predictions?deployment=${encodeURIComponent(d.id)}`}>its predictions</Link>
                </div>
              </li>
            ))}
          </ol>
        )}
      </Query>
    </section>
  );
}
