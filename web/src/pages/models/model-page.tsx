import { Link, useParams, useSearchParams } from 'react-router';
import { useModel, useModelHistory, useModelVersions } from '../../api/hooks';
import { Facts, Query } from '../../components/states';
import { Time } from '../../components/time';
import { lineageOf } from '../../entity-links';

/** A registered model: its versions (run, tags, signature) and the alias history as a timeline. */
export function ModelPage() {
  const name = useParams().name ?? '';
  const focus = useSearchParams()[0].get('version');
  const model = useModel(name);
  const versions = useModelVersions(name);
  const history = useModelHistory(name);
  return (
    <section aria-labelledby="model-title">
      <h1 id="model-title">Model {name}</h1>
      <Query query={model}>
        {(m) => (
          <Facts
            rows={[
              ['description', m.description],
              ['aliases', m.aliases.map((a) => `${a.alias} → v${a.version}`).join(', ')],
              ['tags', Object.entries(m.tags).map(([k, v]) => `${k}=${v}`).join(', ')],
              ['created', <Time ms={m.creationTime} />],
            ]}
          />
        )}
      </Query>
      <h2>Versions</h2>
      <Query query={versions}>
        {(page) => (
          <table>
            <thead>
              <tr>
                <th>version</th>
                <th>aliases</th>
                <th>run</th>
                <th>artifact</th>
                <th>tags</th>
                <th>signature</th>
                <th>created</th>
              </tr>
            </thead>
            <tbody>
              {[...page.items]
                .sort((a, b) => b.version - a.version)
                .map((v) => (
                  <tr key={v.version} aria-current={String(v.version) === focus ? 'true' : undefined} className={String(v.version) === focus ? 'focus' : ''}>
                    <td>
                      <Link to={lineageOf({ type: 'model_version', id: `${v.name}/${v.version}` })}>v{v.version}</Link>
                    </td>
                    <td>{v.aliases.join(', ')}</td>
                    <td>{v.runId ? <Link to={`/runs/${v.runId}`}>{v.runId.slice(-8)}</Link> : '-'}</td>
                    <td>
                      <code>{v.artifactDigest ? `${v.artifactDigest.slice(0, 19)}…` : v.source}</code>
                    </td>
                    <td>{Object.entries(v.tags).map(([k, val]) => `${k}=${val}`).join(', ')}</td>
                    <td>{v.signature ? <code>{v.signature.slice(0, 80)}</code> : '-'}</td>
                    <td>
                      <Time ms={v.creationTime} />
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        )}
      </Query>
      <h2>Alias history</h2>
      <Query query={history}>
        {(moves) =>
          moves.length === 0 ? (
            <p className="muted">
              No alias set yet: <code>threadline models alias {name} champion 1</code>.
            </p>
          ) : (
            <ol className="timeline" aria-label="Alias history">
              {moves.map((m, i) => (
                <li key={i}>
                  <strong>{m.alias}</strong> {m.fromVersion === null ? 'set' : `v${m.fromVersion} →`} {m.toVersion === null ? 'removed' : `v${m.toVersion}`} by {m.actor} <Time ms={m.time} />
                </li>
              ))}
            </ol>
          )
        }
      </Query>
    </section>
  );
}
