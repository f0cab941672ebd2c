import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../test/cli.js';
import { isThreadlineError } from '../errors.js';
import { browsableUrl, endState, runUuid } from './emit-events.js';
import { lineageEndpoint } from './emit.js';
import { eventMillis } from './naming.js';
import { validateEvent } from './validate.js';

const examples = path.join(repoRoot, 'test/data/openlineage');
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON body: each test asserts the fields it reads
const example = (file: string) => JSON.parse(fs.readFileSync(path.join(examples, file), 'utf8')) as Record<string, any>;

function failure(body: unknown): { message: string; details: Record<string, unknown> } {
  try {
    validateEvent(body);
  } catch (error) {
    if (isThreadlineError(error) && error.code === 'INVALID_ARGUMENT') return { message: error.message, details: error.details };
    throw error;
  }
  throw new Error('expected the event to be refused');
}

describe('OpenLineage event validation', () => {
  it.each(['client-python-example_full_event.json', 'client-python-serde_example_job_event.json', 'client-python-serde_example_dataset_event.json', 'proxy-fluentd-event_simple.json'])(
    'accepts the example %s',
    (file) => {
      expect(() => validateEvent(example(file))).not.toThrow();
    },
  );

  // The fluentd proxy's own negative cases: each breaks a core facet's schema, or drops runId.
  it.each([
    ['proxy-fluentd-event_no_run_id.json', '/run/runId', '#/$defs/Run/required'],
    ['proxy-fluentd-event_invalid_run_facet.json', '/run/facets/parent/run/runId', 'ParentRunFacet.json#/$defs/ParentRunFacet/allOf/1/properties/run/required'],
    ['proxy-fluentd-event_invalid_job_facet.json', '/job/facets/ownership/owners/0/name', 'OwnershipJobFacet.json#'],
    ['proxy-fluentd-event_invalid_dataset_facet.json', '/outputs/0/facets/ownership/owners/0/name', 'OwnershipDatasetFacet.json#'],
    ['proxy-fluentd-event_invalid_input_dataset_facet.json', '/inputs/0/inputFacets/dataQualityMetrics/columnMetrics', 'DataQualityMetricsInputDatasetFacet.json#'],
    ['proxy-fluentd-event_invalid_output_dataset_facet.json', '/outputs/0/outputFacets/outputStatistics/rowCount', 'OutputStatisticsOutputDatasetFacet.json#'],
  ])('refuses %s at %s', (file, at, schema) => {
    const { message, details } = failure(example(file));
    expect(message).toContain(`Invalid OpenLineage event at ${at}: `);
    expect(details.instancePath).toBe(at);
    expect(String(details.schemaPath)).toContain(schema);
  });

  it('names the format and its schema path for a bad runId', () => {
    const event = example('proxy-fluentd-event_simple.json');
    event.run.runId = 'not-a-uuid';
    expect(failure(event).message).toBe('Invalid OpenLineage event at /run/runId: must match format "uuid" (schema #/$defs/Run/properties/runId/format)');
  });

  it('validates a DatasetEvent and a JobEvent by their own shapes', () => {
    const dataset = example('client-python-serde_example_dataset_event.json');
    delete dataset.dataset.name;
    expect(failure(dataset).message).toContain('at /dataset/name: must have required property');
    const job = example('client-python-serde_example_job_event.json');
    job.job.namespace = 7;
    expect(failure(job).message).toContain('at /job/namespace: must be string');
    expect(failure([1]).message).toContain('must be a JSON object');
  });

  it('reads eventTime without an offset as UTC, and ignores facets marked _deleted', () => {
    expect(eventMillis('2021-11-03T10:53:52.427343')).toBe(Date.parse('2021-11-03T10:53:52.427Z'));
    expect(eventMillis('2020-12-28T19:52:00.001+10:00')).toBe(Date.parse('2020-12-28T09:52:00.001Z'));
    const event = example('proxy-fluentd-event_simple.json');
    event.job.facets = { ownership: { _producer: 'https://x.example', _schemaURL: 'https://x.example/s', _deleted: true } };
    expect(() => validateEvent(event)).not.toThrow();
  });
});

describe('OpenLineage emit helpers', () => {
  it('turns our run ids, statuses, remotes and URLs into what OpenLineage expects', () => {
    expect(runUuid('0193c1f2a3b47c0d8e9f001122334455')).toBe('0193c1f2-a3b4-7c0d-8e9f-001122334455');
    expect([endState('FINISHED'), endState('FAILED'), endState('KILLED')]).toEqual(['COMPLETE', 'FAIL', 'ABORT']);
    expect(browsableUrl('git@github.com:acme/reco.git')).toBe('https://github.com/acme/reco');
    expect(browsableUrl('https://git.example.com/acme/reco.git')).toBe('https://git.example.com/acme/reco');
    expect(browsableUrl('ssh://git@host:2222/acme/reco.git')).toBe('ssh://git@host:2222/acme/reco');
    expect(lineageEndpoint('http://marquez:5000')).toBe('http://marquez:5000/api/v1/lineage');
    expect(lineageEndpoint('http://collector:4318/custom/path')).toBe('http://collector:4318/custom/path');
  });
});
