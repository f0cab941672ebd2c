import { useMemo, useState } from 'react';
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
import { artifactTree, formatBytes, parseCsv, prettyJson, previewKind, type ArtifactNode } from './artifact-tree';

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

/** Files past this are not fetched for a preview: download them. */
const previewLimit = 5_000_000;
const csvRows = 20;

/** The run's artifacts as folders that open and close (buttons, so Tab and Enter work), each with its size; a file previews beside the tree. */
function Artifacts({ artifacts }: { artifacts: RunArtifact[] }) {
  const tree = useMemo(() => artifactTree(artifacts), [artifacts]);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const [shown, setShown] = useState<RunArtifact>();
  if (artifacts.length === 0) return <p className="muted">No artifacts: give <code>--output PATH</code> to <code>threadline run</code>.</p>;
  const toggle = (path: string) =>
    setOpen((now) => {
      const next = new Set(now);
      if (!next.delete(path)) next.add(path);
      return next;
    });
  const total = artifacts.reduce((sum, a) => sum + a.size, 0);
  return (
    <div className="two">
      <div>
        <p className="muted">
          {artifacts.length} files, {formatBytes(total)}
        </p>
        <TreeLevel nodes={tree} open={open} toggle={toggle} shown={shown} show={setShown} label="Artifacts" />
      </div>
      <div>{shown ? <ArtifactPreview artifact={shown} /> : <p className="muted">Pick a file to preview it.</p>}</div>
    </div>
  );
}

const treeId = (path: string) => `artifacts-${encodeURIComponent(path)}`;

function TreeLevel(props: { nodes: ArtifactNode[]; open: ReadonlySet<string>; toggle: (path: string) => void; shown?: RunArtifact; show: (a: RunArtifact) => void; label?: string; id?: string }) {
  const { nodes, open, toggle, shown, show } = props;
  return (
    <ul className="tree" aria-label={props.label} id={props.id}>
      {nodes.map((node) =>
        node.kind === 'folder' ? (
          <li key={node.path}>
            <div className="tree-row">
              <button type="button" className="linkish tree-folder" aria-expanded={open.has(node.path)} aria-controls={open.has(node.path) ? treeId(node.path) : undefined} onClick={() => toggle(node.path)}>
                <span aria-hidden="true">{open.has(node.path) ? '▾' : '▸'} </span>
                {node.name}/
              </button>
              <span className="muted">
                {node.files} {node.files === 1 ? 'file' : 'files'}, {formatBytes(node.size)}
              </span>
            </div>
            {open.has(node.path) && <TreeLevel {...props} nodes={node.children} label={undefined} id={treeId(node.path)} />}
          </li>
        ) : (
          <li key={node.path}>
            <div className="tree-row">
              {previewKind(node.artifact) ? (
                <button type="button" className="linkish" aria-pressed={shown?.path === node.path} aria-label={`Preview ${node.path}`} onClick={() => show(node.artifact)}>
                  {node.name}
                </button>
              ) : (
                <span>{node.name}</span>
              )}
              <span className="muted">{formatBytes(node.size)}</span>
              <a href={blobUrl(node.artifact.digest)} download={node.name} aria-label={`Download ${node.path}`}>
                download
              </a>
            </div>
          </li>
        ),
      )}
    </ul>
  );
}

function ArtifactPreview({ artifact }: { artifact: RunArtifact }) {
  const kind = previewKind(artifact);
  const fetchable = kind !== undefined && kind !== 'image' && artifact.size <= previewLimit;
  const text = useQuery({
    queryKey: ['blob-text', artifact.digest],
    queryFn: async () => {
      const response = await fetch(blobUrl(artifact.digest));
      if (!response.ok) throw new Error(`${artifact.path}: HTTP ${response.status}`);
      return response.text();
    },
    enabled: fetchable,
  });
  const label = `Preview of ${artifact.path}`;
  return (
    <section aria-label={label} data-testid="artifact-preview">
      <h3>
        {artifact.path} <span className="muted">{formatBytes(artifact.size)}</span>{' '}
        <a href={blobUrl(artifact.digest)} download={artifact.path.split('/').pop()}>
          Download
        </a>
      </h3>
      {kind === 'image' ? (
        <img src={blobUrl(artifact.digest)} alt={artifact.path} style={{ maxWidth: '100%' }} />
      ) : !fetchable ? (
        <p className="muted">Too large to preview here: download it.</p>
      ) : (
        <Query query={text}>
          {(body) =>
            kind === 'csv' ? (
              <CsvTable text={body} label={label} />
            ) : (
              <pre tabIndex={0} aria-label={label}>
                {kind === 'json' ? prettyJson(body) : body}
              </pre>
            )
          }
        </Query>
      )}
    </section>
  );
}

function CsvTable({ text, label }: { text: string; label: string }) {
  const { rows, more } = parseCsv(text, csvRows + 1);
  const [header = [], ...body] = rows;
  return (
    <>
      <div className="csv" tabIndex={0} role="region" aria-label={label}>
        <table>
          <thead>
            <tr>
              {header.map((h, i) => (
                <th key={i}>{h}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {body.map((row, r) => (
              <tr key={r}>
                {row.map((cell, c) => (
                  <td key={c}>{cell}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {more && <p className="muted">The first {csvRows} rows: download the file for the rest.</p>}
    </>
  );
}
