import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import type { Run, RunArtifact } from '../../../../src/tracking/types.js';
import { blobUrl } from '../../api/client';
import { useDataVersion, useMetricHistory, useRun } from '../../api/hooks';
import { Id } from '../../components/copy-button';
import { Facts, Query } from '../../components/states';
import { Time } from '../../components/time';
import { lineageOf } from '../../entity-links';
import { MetricChart } from './metric-chart';

/** A run: what it ran (code, data, environment), what it logged, and what it left (artifacts). */
export function RunPage() {
  const id = useParams().id ?? '';
  const run = useRun(id);
  return <Query query={run}>{(r) => <RunView run={r} />}</Query>;
}

function RunView({ run }: { run: Run }) {
  const { info } = run;
  const external = Object.entries(run.tags).filter(([k]) => /job_id|run_id|ci\.|github|gitlab|databricks|airflow/i.test(k));
  return (
    <section aria-labelledby="run-title">
      <h1 id="run-title">
        Run “{info.name}” <Id value={info.runId} />
      </h1>
      <p className="actions">
        <Link to={lineageOf({ type: 'run', id: info.runId })}>Its lineage</Link>
        <Link to={`/runs?experiment=${info.experimentId}`}>Its experiment</Link>
      </p>
      <Facts
        rows={[
          ['status', info.status],
          ['started', <Time ms={info.startTime} />],
          ['ended', <Time ms={info.endTime} />],
          ['command', info.command?.join(' ')],
          ['exit code', info.exitCode],
          ['user', info.userId],
        ]}
      />
      <h2>Code</h2>
      {run.code ? (
        <div>
          <Facts
            rows={[
              ['commit', <Id value={run.code.commitSha} />],
              ['branch', run.code.branch],
              ['remote', run.code.remoteUrl],
              ['working tree', run.code.dirty ? 'dirty (uncommitted changes recorded as a patch)' : 'clean'],
            ]}
          />
          <p>
            <Link to={lineageOf({ type: 'code', id: run.code.id })}>Lineage of commit {run.code.commitSha.slice(0, 7)}</Link>
          </p>
          {run.code.patchDigest && <Patch digest={run.code.patchDigest} />}
        </div>
      ) : (
        <p className="muted">No code recorded: runs started with <code>threadline run -- CMD</code> inside a git repository record it.</p>
      )}
      <h2>Data</h2>
      {run.io.filter((io) => io.kind === 'data').length === 0 ? (
        <p className="muted">No data recorded: give <code>--input PATH</code> to <code>threadline run</code>.</p>
      ) : (
        run.io.filter((io) => io.kind === 'data').map((io) => <DataView key={`${io.direction}:${io.ref}`} direction={io.direction} name={io.name} digest={io.ref} />)
      )}
      <h2>Environment</h2>
      {run.environment ? (
        <Facts
          rows={[
            ['digest', <Id value={run.environment.digest} short />],
            ['os', `${run.environment.os} ${run.environment.osRelease} ${run.environment.arch}`],
            ['runtimes', Object.entries(run.environment.runtimes).map(([k, v]) => `${k} ${v}`).join(', ')],
            ['lockfiles', run.environment.lockfiles.map((l) => l.path).join(', ') || '-'],
            ['variables', `${run.environment.envVarNames.length} names (values of secrets never recorded)`],
          ]}
        />
      ) : (
        <p className="muted">No environment recorded.</p>
      )}
      <h2>Params</h2>
      <KeyValues values={run.params} empty="No params." />
      <h2>Metrics</h2>
      {Object.keys(run.metrics).length === 0 ? <p className="muted">No metrics.</p> : <div className="two">{Object.keys(run.metrics).map((key) => <MetricHistory key={key} runId={info.runId} metric={key} />)}</div>}
      <h2>Tags</h2>
      <KeyValues values={run.tags} empty="No tags." />
      {external.length > 0 && (
        <>
          <h2>External ids</h2>
          <KeyValues values={Object.fromEntries(external)} empty="" />
        </>
      )}
      <h2>Artifacts</h2>
      <Artifacts artifacts={run.artifacts} />
    </section>
  );
}

function KeyValues({ values, empty }: { values: Record<string, string>; empty: string }) {
  const entries = Object.entries(values);
  if (entries.length === 0) return <p className="muted">{empty}</p>;
  return <Facts rows={entries.map(([k, v]) => [k, v])} />;
}

function MetricHistory({ runId, metric }: { runId: string; metric: string }) {
  const history = useMetricHistory(runId, metric);
  return <Query query={history}>{(points) => <MetricChart title={metric} series={[{ name: metric, points }]} />}</Query>;
}

function Patch({ digest }: { digest: string }) {
  const [open, setOpen] = useState(false);
  const patch = useQuery({ queryKey: ['blob-text', digest], queryFn: async () => (await fetch(blobUrl(digest))).text(), enabled: open });
  return (
    <details onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>Uncommitted changes (patch)</summary>
      {open && <Query query={patch}>{(text) => <pre tabIndex={0}>{text}</pre>}</Query>}
    </details>
  );
}

function DataView({ direction, name, digest }: { direction: string; name: string; digest: string }) {
  const data = useDataVersion(digest);
  return (
    <div>
      <h3>
        {direction} {name}
      </h3>
      <Query query={data}>
        {(d) => (
          <>
            <Facts
              rows={[
                ['digest', <Id value={d.digest} short />],
                ['uri', d.uri],
                ['rows', d.rowCount?.toLocaleString('en')],
                ['size', `${d.totalSize.toLocaleString('en')} bytes in ${d.files.length} file(s)`],
                ['schema', d.schema?.map((c) => `${c.name}: ${c.type}`).join(', ')],
              ]}
            />
            <p>
              <Link to={lineageOf({ type: 'data', id: d.digest })}>Lineage of this data</Link>
            </p>
          </>
        )}
      </Query>
    </div>
  );
}

const previewable = (a: RunArtifact) => /^(text\/|application\/json)/.test(a.mediaType ?? '') || /\.(txt|json|md|csv|yaml|yml|log|mjs|js|py)$/i.test(a.path);
const isImage = (a: RunArtifact) => /^image\//.test(a.mediaType ?? '') || /\.(png|jpe?g|gif|svg|webp)$/i.test(a.path);

function Artifacts({ artifacts }: { artifacts: RunArtifact[] }) {
  const [shown, setShown] = useState<RunArtifact>();
  const preview = useQuery({ queryKey: ['preview', shown?.digest], queryFn: async () => (await fetch(blobUrl(shown!.digest))).text(), enabled: shown !== undefined && previewable(shown) });
  if (artifacts.length === 0) return <p className="muted">No artifacts: give <code>--output PATH</code> to <code>threadline run</code>.</p>;
  return (
    <div className="two">
      <table>
        <thead>
          <tr>
            <th>path</th>
            <th>size</th>
            <th>actions</th>
          </tr>
        </thead>
        <tbody>
          {artifacts.map((a) => (
            <tr key={a.path}>
              <td>{a.path}</td>
              <td>{a.size.toLocaleString('en')}</td>
              <td className="actions">
                {(previewable(a) || isImage(a)) && (
                  <button type="button" onClick={() => setShown(a)}>
                    Preview
                  </button>
                )}
                <a href={blobUrl(a.digest)} download={a.path.split('/').pop()}>
                  Download
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div>
        {shown && isImage(shown) && <img src={blobUrl(shown.digest)} alt={shown.path} style={{ maxWidth: '100%' }} />}
        {shown && previewable(shown) && <Query query={preview}>{(text) => <pre tabIndex={0} aria-label={`Preview of ${shown.path}`}>{text.slice(0, 200_000)}</pre>}</Query>}
      </div>
    </div>
  );
}
