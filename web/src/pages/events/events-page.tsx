import { Link, useSearchParams } from 'react-router';
import type { ObserverEvent } from '../../../../src/events/types.js';
import { useEvents, useValidations } from '../../api/hooks';
import { Empty, JsonBlock, Query } from '../../components/states';
import { Time } from '../../components/time';
import { pageOf } from '../../entity-links';

const stages = ['code', 'data', 'features', 'training', 'deployment', 'production', 'external'];
const severities = ['info', 'warning', 'error', 'critical'];

/** The event feed (stage, kind, severity, subject), each observer's latest word, and validations. */
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
      <Query query={events}>
        {(list) =>
          list.length === 0 ? (
            <Empty command="threadline observe --once">No events yet: let the observers of threadline.yaml take a look.</Empty>
          ) : (
            <>
              <h2>Observers, as their events show them</h2>
              <ObserverHealth events={list} />
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

/** Per source (observer), its latest event and the worst severity among those loaded. */
function ObserverHealth({ events }: { events: ObserverEvent[] }) {
  const bySource = new Map<string, ObserverEvent[]>();
  for (const e of events) bySource.set(e.source ?? e.stage, [...(bySource.get(e.source ?? e.stage) ?? []), e]);
  return (
    <table>
      <thead>
        <tr>
          <th>observer</th>
          <th>last seen</th>
          <th>events</th>
          <th>worst</th>
        </tr>
      </thead>
      <tbody>
        {[...bySource].map(([source, list]) => {
          const worst = list.reduce((w, e) => (severities.indexOf(e.severity) > severities.indexOf(w) ? e.severity : w), 'info');
          return (
            <tr key={source}>
              <td>{source}</td>
              <td>
                <Time ms={list[0]!.time} />
              </td>
              <td>{list.length}</td>
              <td className={`sev sev-${worst}`}>{worst}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
