import { Link } from 'react-router';
import { SearchBox } from '../../components/search-box';
import { useDeployments, useEvents } from '../../api/hooks';
import { Time } from '../../components/time';

/** The incident entry point: paste any id; or start from what runs now and what happened lately. */
export function HomePage() {
  const deployments = useDeployments();
  const events = useEvents({ limit: 8 });
  const current = (deployments.data ?? []).filter((d) => d.current);
  return (
    <section aria-labelledby="home-title">
      <h1 id="home-title">From any id to the whole thread</h1>
      <SearchBox autoFocus />
      <h2>Running now</h2>
      {current.length === 0 ? (
        <p className="muted">Nothing deployed yet: run <code>threadline deploy MODEL@ALIAS --env prod --target local</code>.</p>
      ) : (
        <ul className="cards">
          {current.map((d) => (
            <li key={d.id}>
              <Link to={`/deployments/${encodeURIComponent(d.environment)}`}>{d.id}</Link> {d.modelName}/{d.modelVersion} <Time ms={d.createdAt} />
            </li>
          ))}
        </ul>
      )}
      <h2>Latest events</h2>
      <ul className="cards">
        {(events.data ?? []).map((e) => (
          <li key={e.id}>
            <span className={`sev sev-${e.severity}`}>{e.severity}</span> {e.stage} · {e.summary} <Time ms={e.time} />
          </li>
        ))}
      </ul>
    </section>
  );
}
