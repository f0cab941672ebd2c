import { Link, useSearchParams } from 'react-router';
import { useEvents, useObserverHealth, useValidations } from '../../api/hooks';
import { Empty, JsonBlock, Query } from '../../components/states';
import { Time } from '../../components/time';
import { pageOf } from '../../entity-links';
import { DriftResults } from './drift-results';

const stages = ['code', 'data', 'features', 'training', 'deployment', 'production', 'external'];
const severities = ['info', 'warning', 'error', 'critical'];

/** Observer health, drift results with the drift report's charts, the event feed (stage, kind, severity, subject), and validations. */
export function EventsPage() {
  const [params, setParams] = useSearchParams();
  const stage = params.get('stage') ?? '';
  const severity = params.get('severity') ?? '';
  const events = useEvents({ stage: (stage || undefined) as never, severity: (severity || undefined) as never, limit: 500 });
  const validations = useValidations();
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next);
  };
  return (
    <section aria-labelledby="events-title">
      <h1 id="events-title">Events and observers</h1>
      <div className="toolbar">
        <label>
          Stage{' '}
          <select value={stage} onChange={(e) => set('stage', e.target.value)}>
            <option value="">all</option>
            {stages.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Severity at least{' '}
          <select value={severity} onChange={(e) => set('severity', e.target.value)}>
            <option value="">any</option>
            {severities.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      </div>
      <h2>Observers</h2>
      <ObserverHealthTable />
      <Query query={events}>
        {(list) =>
          list.length === 0 ? (
            <Empty command="threadline observe --once">No events yet: let the observers of threadline.yaml take a look.</Empty>
          ) : (
            <>
              <h2>Drift results</h2>
              <DriftResults events={list} />
              <h2>Feed</h2>
              <table>
                <thead>
                  <tr>
                    <th>when</th>
                    <th>stage</th>
                    <th>kind</th>
                    <th>severity</th>
                    <th>summary</th>
                    <th>subjects</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((e) => (
                    <tr key={e.id}>
                      <td>
                        <Time ms={e.time} />
                      </td>
                      <td>{e.stage}</td>
                      <td>{e.kind}</td>
                      <td className={`sev sev-${e.severity}`}>{e.severity}</td>
                      <td>
                        {e.summary}
                        {Object.keys(e.details).length > 0 && (
                          <details>
                            <summary>details</summary>
                            <JsonBlock value={e.details} label={`Details of event ${e.id}`} />
                          </details>
                        )}
                      </td>
                      <td>
                        {e.subjects.map((s) => (
                          <div key={`${s.type}:${s.id}`}>
                            <Link to={pageOf(s)}>
                              {s.type} {s.id.length > 20 ? `${s.id.slice(0, 18)}…` : s.id}
                            </Link>
                          </div>
                        ))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )
        }
      </Query>
      <h2>Validations</h2>
      <Query query={validations}>
        {(list) =>
          list.length === 0 ? (
            <Empty command="threadline validate data/orders.csv --suite expectations/orders.yaml">No expectation suite has run.</Empty>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>when</th>
                  <th>suite</th>
                  <th>data</th>
                  <th>result</th>
                </tr>
              </thead>
              <tbody>
                {list.map((v) => (
                  <tr key={v.id}>
                    <td>
                      <Time ms={v.time} />
                    </td>
                    <td>{v.suiteName}</td>
                    <td>
                      <Link to={pageOf({ type: 'data', id: v.dataDigest })}>{v.dataUri}</Link>
                    </td>
                    <td className={v.success ? '' : 'sev sev-error'}>{v.success ? `passed ${v.evaluated}` : `${v.failed} of ${v.evaluated} failed`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Query>
    </section>
  );
}

/** Each observer as the scheduler records it: up when its last poke succeeded. */
function ObserverHealthTable() {
  const observers = useObserverHealth();
  return (
    <Query query={observers}>
      {(list) =>
        list.length === 0 ? (
          <Empty command="threadline observe --once">No observer has run yet.</Empty>
        ) : (
          <table data-testid="observer-health">
            <thead>
              <tr>
                <th>observer</th>
                <th>state</th>
                <th>last poke</th>
                <th>last success</th>
                <th>last error</th>
                <th className="num">pokes</th>
                <th className="num">failures</th>
                <th className="num">events</th>
              </tr>
            </thead>
            <tbody>
              {list.map((o) => {
                const up = o.lastPoke !== null && o.lastPoke === o.lastSuccess;
                return (
                  <tr key={o.observer}>
                    <td>{o.observer}</td>
                    <td className={up ? '' : 'sev sev-error'}>{up ? 'up' : 'failing'}</td>
                    <td>{o.lastPoke === null ? '-' : <Time ms={o.lastPoke} />}</td>
                    <td>{o.lastSuccess === null ? 'never' : <Time ms={o.lastSuccess} />}</td>
                    <td>
                      {o.lastError ?? '-'}
                      {o.lastErrorTime !== null && (
                        <>
                          {' '}
                          (<Time ms={o.lastErrorTime} />)
                        </>
                      )}
                    </td>
                    <td className="num">{o.pokes}</td>
                    <td className="num">{o.failures}</td>
                    <td className="num">{o.events}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )
      }
    </Query>
  );
}
