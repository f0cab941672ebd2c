import { Link } from 'react-router';
import { useModels } from '../../api/hooks';
import { Empty, Query } from '../../components/states';
import { Time } from '../../components/time';

/** Registered models, with their aliases and latest versions. */
export function ModelsPage() {
  const models = useModels();
  return (
    <section aria-labelledby="models-title">
      <h1 id="models-title">Models</h1>
      <Query query={models}>
        {(page) =>
          page.items.length === 0 ? (
            <Empty command="threadline models register NAME --run RUN_ID --artifact model">No registered models yet.</Empty>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>model</th>
                  <th>aliases</th>
                  <th>latest version</th>
                  <th>updated</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((m) => (
                  <tr key={m.name}>
                    <td>
                      <Link to={`/models/${encodeURIComponent(m.name)}`}>{m.name}</Link>
                    </td>
                    <td>{m.aliases.map((a) => `${a.alias} → v${a.version}`).join(', ') || '-'}</td>
                    <td>{m.latestVersions.map((v) => `v${v.version}`).join(', ')}</td>
                    <td>
                      <Time ms={m.lastUpdatedTime} />
                    </td>
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
