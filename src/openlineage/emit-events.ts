import fs from 'node:fs';
import type { CodeVersion, DataVersion } from '../capture/types.js';
import type { RunArtifact, RunStatus } from '../tracking/types.js';
import { eventSchemaUrl, facetSchemaUrl } from './spec-files.js';
import type { Facets, OlDataset, RunEvent, RunState } from './types.js';

const version = (JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Who made the events (the spec asks for a URI); Threadline and its version. */
export const producer = `urn:threadline:${version}`;

export interface RunDescription {
  /** Threadline's run id: 32 hex digits, a UUIDv7 without its dashes. */
  runId: string;
  namespace: string;
  experiment: string;
  code: CodeVersion | null;
  inputs: { name: string; data: DataVersion }[];
}

/** Our run ids are UUIDv7s without dashes: put them back, so OpenLineage sees the same id. */
export function runUuid(runId: string): string {
  return `${runId.slice(0, 8)}-${runId.slice(8, 12)}-${runId.slice(12, 16)}-${runId.slice(16, 20)}-${runId.slice(20)}`;
}

/** FINISHED → COMPLETE, KILLED → ABORT, anything else that ended → FAIL. */
export function endState(status: RunStatus): RunState {
  return status === 'FINISHED' ? 'COMPLETE' : status === 'KILLED' ? 'ABORT' : 'FAIL';
}

export function runEvent(eventType: RunState, run: RunDescription, outputs: RunArtifact[] = [], exitCode?: number): RunEvent {
  const runFacets: Facets = {};
  if ((eventType === 'FAIL' || eventType === 'ABORT') && exitCode !== undefined) {
    runFacets.errorMessage = { ...base('ErrorMessageRunFacet'), message: `command exited with status ${exitCode}`, programmingLanguage: 'shell' };
  }
  return {
    eventType,
    eventTime: new Date().toISOString(),
    producer,
    schemaURL: eventSchemaUrl('RunEvent'),
    run: { runId: runUuid(run.runId), facets: runFacets },
    job: { namespace: run.namespace, name: run.experiment, facets: jobFacets(run.code) },
    inputs: run.inputs.map(({ data }) => inputDataset(data)),
    outputs: outputs.map((artifact) => outputDataset(run, artifact)),
  };
}

function base(definition: string) {
  return { _producer: producer, _schemaURL: facetSchemaUrl(definition) };
}

function jobFacets(code: CodeVersion | null): Facets {
  const facets: Facets = { jobType: { ...base('JobTypeJobFacet'), processingType: 'BATCH', integration: 'THREADLINE', jobType: 'JOB' } };
  if (code) {
    facets.sourceCodeLocation = {
      ...base('SourceCodeLocationJobFacet'),
      type: 'git',
      url: code.remoteUrl ? browsableUrl(code.remoteUrl) : `file://${code.repoRoot}`,
      ...(code.remoteUrl && { repoUrl: code.remoteUrl }),
      version: code.commitSha,
      ...(code.branch && { branch: code.branch }),
    };
  }
  return facets;
}

/** `git@github.com:acme/reco.git` is no URI (the facet's url must be one): `https://github.com/acme/reco`. */
export function browsableUrl(remote: string): string {
  const scp = /^[\w.-]+@([\w.-]+):(?!\/\/)(.+?)(\.git)?$/.exec(remote);
  if (scp) return `https://${scp[1]}/${scp[2]}`;
  return remote.replace(/\.git$/, '');
}

/** OpenLineage's naming: a local path is namespace `file`, an object is `s3://bucket` + key. */
function inputDataset(data: DataVersion): OlDataset {
  const object = /^([a-z][a-z0-9+.-]*:\/\/[^/]+)\/(.*)$/i.exec(data.uri);
  const [namespace, name] = object ? [object[1]!, object[2]!] : ['file', data.uri];
  const facets: Facets = { version: { ...base('DatasetVersionDatasetFacet'), datasetVersion: data.digest } };
  if (data.schema) facets.schema = { ...base('SchemaDatasetFacet'), fields: data.schema.map((c) => ({ name: c.name, type: c.type })) };
  return { namespace, name, facets };
}

function outputDataset(run: RunDescription, artifact: RunArtifact): OlDataset {
  return {
    namespace: run.namespace,
    name: `runs/${run.runId}/artifacts/${artifact.path}`,
    facets: { version: { ...base('DatasetVersionDatasetFacet'), datasetVersion: artifact.digest } },
    outputFacets: { outputStatistics: { ...base('OutputStatisticsOutputDatasetFacet'), size: artifact.size, fileCount: 1 } },
  };
}
