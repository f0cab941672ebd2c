import { Link } from 'react-router';
import { useDeployments } from '../../api/hooks';
import { Empty, Query } from '../../components/states';
import { Time } from '../../components/time';

/** Environments and what each runs now. */
export function DeploymentsPage() {
  const deployments = useDeployments();
  return (
    <section aria-labelledby="deployments-title">
      <h1 id="deployments-title">Deployments</h1>
      <Query query={deployments}>
        {(list) => {
          const environments = [...new Set(list.map((d) => d.environment))].sort();
          if (environments.length === 0) return <Empty command="threadline deploy MODEL@ALIAS --env prod --target local">Nothing deployed yet.</Empty>;
          return (
            <table>
              <thead>
                <tr>
                  <th>environment</th>
                  <th>runs now</th>
                  <th>model</th>
                  <th>since</th>
                  <th>deployments</th>
                </tr>
              </thead>
              <tbody>
                {environments.map((env) => {
                  const mine = list.filter((d) => d.environment === env);
                  const current = mine.find((d) => d.current);
                  return (
                    <tr key={env}>
                      <td>
                        <Link to={`/deployments/${encodeURIComponent(env)}`}>{env}</Link>
                      </td>
                      <td>{current?.id ?? 'nothing'}</td>
                      <td>{current ? `${current.modelName}/${current.modelVersion}` : '-'}</td>
                      <td>{current ? <Time ms={current.createdAt} /> : '-'}</td>
                      <td>{mine.length}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          );
        }}
      </Query>
    </section>
  );
}
