import fc from 'fast-check';

/**
 * Generators of what a careless or hostile client sends: strings with NUL, lone surrogates,
 * traversal, quoting and oversized text; numbers past every column's range; JSON of the wrong
 * shape; bodies that are not JSON at all, or nested past any stack.
 */

/** Strings that broke something once, or could: the fuzz draws from these often. */
const nastyStrings = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\uDFFFx',
  '😀',
  'é\u0301',
  '\r\n',
  '../../../../etc/passwd',
  '/etc/passwd',
  '..',
  '.',
  '%00',
  '%2e%2e%2f',
  "' or 1=1 --",
  "'",
  '"',
  '`',
  '\\',
  'NaN',
  'Infinity',
  '-Infinity',
  '-1',
  '0',
  '1e309',
  '9223372036854775808',
  '99999999999999999999999',
  'true',
  'null',
  '{}',
  '[]',
  'x'.repeat(251),
  'x'.repeat(8001),
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 60, arbitrary: fc.constantFrom(...nastyStrings) },
  { weight: 40, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 40, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 20, arbitrary: fc.tuple(fc.string({ maxLength: 5 }), fc.constantFrom('\u0000', '\uD800', '/', '..', '%')).map(([a, b]) => a + b + a) },
  // Past every field limit (MLflow's largest is 100,000): rarely, as it costs every layer it reaches.
  { weight: 1, arbitrary: fc.constant('x'.repeat(100_001)) },
);

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(-1, 0, 1, 2 ** 31, 2 ** 53, 2 ** 63, -(2 ** 63), 2 ** 64, 1e308, -1e308, 0.5, Number.MAX_SAFE_INTEGER + 2),
);

/** Field names the API reads somewhere: a generated object hits real code paths with them. */
export const fieldNames = [
  'name', 'new_name', 'id', 'experiment_id', 'experiment_ids', 'experimentId', 'experimentName', 'run_id', 'run_uuid', 'runId',
  'key', 'value', 'values', 'tags', 'params', 'metrics', 'timestamp', 'step', 'start_time', 'end_time', 'startTime', 'endTime',
  'status', 'run_name', 'user_id', 'userId', 'artifact_location', 'artifactLocation', 'filter', 'max_results', 'order_by', 'page_token',
  'view_type', 'run_view_type', 'version', 'stage', 'alias', 'description', 'source', 'artifactPath', 'runLink', 'run_link',
  'signature', 'model_json', 'datasets', 'dataset', 'inputs', 'outputs', 'digest', 'label', 'prediction_id', 'environment', 'target',
  'image', 'model', 'reason', 'actor', 'details', 'direction', 'data', 'stage', 'kind', 'severity', 'subjects', 'eventType',
  'eventTime', 'job', 'run', 'producer', 'schemaURL', 'namespace', 'facets', 'commitSha', 'repo', 'branch', 'dirty', 'files',
  'reference', 'labels', 'success', 'suiteName', 'results', 'path', 'archive_existing_versions', 'lifecycle_stage', 'deleted',
];

export const fieldName: fc.Arbitrary<string> = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...fieldNames) }, { weight: 1, arbitrary: hostileString });

const leaf: fc.Arbitrary<unknown> = fc.oneof(hostileString, hostileNumber, fc.boolean(), fc.constant(null));

/** JSON values of any shape, with hostile leaves, a few levels deep. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fieldName, tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** An object whose fields are mostly the names the API reads, with values of the wrong kind. */
export const hostileObject: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(fieldName, hostileValue, { maxKeys: 8 });

/** A request body as bytes on the wire, with the content type it claims. */
export interface WireBody {
  contentType?: string;
  payload?: string | Buffer;
}

const deep = (n: number, open: string, close: string) => open.repeat(n) + close.repeat(n);

const rawTexts = [
  '',
  '{',
  '{"a":',
  'null',
  '[1]',
  '[[]]',
  '[{"prediction_id":"x"}]',
  '"just a string"',
  '1e999',
  '{"name": "\\u0000"}',
  '{"name": "\\ud800"}',
  '{"__proto__": {"polluted": true}}',
  '{"constructor": {"prototype": {"polluted": true}}}',
  deep(10_000, '[', ']'),
  deep(10_000, '{"a":', '}').replace(/}+$/, '1' + '}'.repeat(10_000)),
  `{"value": ${deep(5_000, '[', ']')}}`,
];

const contentTypes = ['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/octet-stream', 'application/x-ndjson', 'text/csv', 'multipart/form-data; boundary=x', 'application/xml'];

export const wireBody: fc.Arbitrary<WireBody> = fc.oneof(
  { weight: 6, arbitrary: hostileObject.map((o) => ({ contentType: 'application/json', payload: safeStringify(o) })) },
  { weight: 2, arbitrary: hostileValue.map((v) => ({ contentType: 'application/json', payload: safeStringify(v) })) },
  { weight: 2, arbitrary: fc.constantFrom(...rawTexts).map((payload) => ({ contentType: 'application/json', payload })) },
  { weight: 1, arbitrary: fc.record({ contentType: fc.constantFrom(...contentTypes), payload: fc.oneof(fc.constantFrom(...rawTexts), hostileString) }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ contentType: 'application/json', payload: Buffer.from(bytes) })) },
  { weight: 1, arbitrary: fc.constant({}) },
);

/** JSON.stringify, except that `undefined` (a lone top-level one) is sent as no body. */
function safeStringify(value: unknown): string | undefined {
  return JSON.stringify(value) ?? undefined;
}

/** A query string of names the API reads, with hostile values, sometimes repeated. */
export const queryNames = [
  'filter', 'max_results', 'order_by', 'page_token', 'experiment_ids', 'experiment_id', 'experiment_name', 'run_id', 'run_uuid',
  'metric_key', 'name', 'version', 'alias', 'path', 'view_type', 'run_view_type', 'limit', 'since', 'format', 'source', 'deployment',
  'experiment', 'view', 'run', 'to', 'ref', 'reference', 'digest', 'model', 'environment', 'type', 'id', 'depth', 'direction',
  'stage', 'kind', 'severity', 'subject', 'mediaType', 'key', 'stages',
];

export const queryString: fc.Arbitrary<string> = fc
  .array(fc.tuple(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...queryNames) }, { weight: 1, arbitrary: hostileString }), hostileString), { maxLength: 5 })
  .map((pairs) => pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&'));

/** encodeURIComponent, except a lone surrogate is sent as its raw UTF-8 error bytes would be. */
export function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return encodeURIComponent(text.replace(/[\uD800-\uDFFF]/g, '\uFFFD')) + '%FF';
  }
}
