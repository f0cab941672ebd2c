import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { invalidArgument } from '../errors.js';
import { loadSpecFiles } from './spec-files.js';
import type { OpenLineageEvent } from './types.js';

type FacetKind = 'run' | 'job' | 'dataset' | 'input' | 'output';

interface Validators {
  coreId: string;
  events: Record<'RunEvent' | 'DatasetEvent' | 'JobEvent', ValidateFunction>;
  any: ValidateFunction;
  /** kind → facet key → validator of that facet's value, with the schema it came from. */
  facets: Record<FacetKind, Map<string, { validate: ValidateFunction; schema: string }>>;
}

let compiled: Validators | undefined;

/**
 * Compiled once: the core schema and every core facet schema registered under their `$id`s, so
 * the facets' `$ref`s to `https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/…` resolve
 * locally, with no network.
 */
function validators(): Validators {
  if (compiled) return compiled;
  const { core, facets } = loadSpecFiles();
  // strict off: the spec uses the non-standard `example` keyword throughout.
  // verbose: errors carry the schema object that failed, which `pointers` maps back to its place.
  const ajv = new Ajv2020({ strict: false, allErrors: false, verbose: true });
  addFormats.default(ajv);
  // Producers (the Python client among them) send eventTime without an offset; read it as UTC
  // rather than refuse their events. Everything else about date-time stays as RFC 3339 says.
  ajv.addFormat('date-time', fullFormats['iso-date-time']);
  ajv.addSchema(core);
  for (const facet of facets) ajv.addSchema(facet);
  for (const document of [core, ...facets]) indexPointers(document, document === core ? '#' : `${document.$id}#`);
  const at = (definition: string) => ajv.getSchema(`${core.$id}#/$defs/${definition}`)!;
  const byKind: Validators['facets'] = { run: new Map(), job: new Map(), dataset: new Map(), input: new Map(), output: new Map() };
  for (const facet of facets) {
    const properties = (facet.properties ?? {}) as Record<string, { $ref?: string }>;
    for (const [key, property] of Object.entries(properties)) {
      const definition = property.$ref?.replace('#/$defs/', '');
      const kind = definition && facetKind(definition);
      if (!kind) continue;
      const schema = `${facet.$id}#/$defs/${definition}`;
      byKind[kind].set(key, { validate: ajv.getSchema(schema)!, schema });
    }
  }
  compiled = {
    coreId: core.$id,
    events: { RunEvent: at('RunEvent'), DatasetEvent: at('DatasetEvent'), JobEvent: at('JobEvent') },
    any: ajv.getSchema(core.$id)!,
    facets: byKind,
  };
  return compiled;
}

function facetKind(definition: string): FacetKind | undefined {
  if (definition.endsWith('InputDatasetFacet')) return 'input';
  if (definition.endsWith('OutputDatasetFacet')) return 'output';
  if (definition.endsWith('DatasetFacet')) return 'dataset';
  if (definition.endsWith('JobFacet')) return 'job';
  if (definition.endsWith('RunFacet')) return 'run';
  return undefined;
}

export type EventKind = 'RunEvent' | 'DatasetEvent' | 'JobEvent';

/** Which of the three event shapes `body` claims to be: a run makes a RunEvent, and so on. */
export function eventKind(body: Record<string, unknown>): EventKind {
  if ('run' in body) return 'RunEvent';
  if ('dataset' in body) return 'DatasetEvent';
  return 'JobEvent';
}

/**
 * Checks `body` against the OpenLineage schema and the schemas of the core facets it carries
 * (the event schema alone accepts any facet with `_producer` and `_schemaURL`). Throws
 * INVALID_ARGUMENT naming the instance path and the schema path that failed.
 */
export function validateEvent(body: unknown): OpenLineageEvent {
  const v = validators();
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidArgument('Invalid OpenLineage event at /: must be a JSON object (schema #/type)');
  }
  // Validating against the shape the event claims gives its own error, not the oneOf's three.
  const kind = eventKind(body as Record<string, unknown>);
  const shape = v.events[kind];
  if (!shape(body)) throw schemaError(shape.errors ?? [], '');
  if (!v.any(body)) throw schemaError(v.any.errors ?? [], '');
  for (const [path, facetKindOf, container] of facetContainers(body as Record<string, unknown>)) {
    for (const [key, facet] of Object.entries(container)) {
      const known = v.facets[facetKindOf].get(key);
      if (!known || isDeleted(facet)) continue;
      if (!known.validate(facet)) throw schemaError(known.validate.errors ?? [], `${path}/${escapePointer(key)}`);
    }
  }
  return body as OpenLineageEvent;
}

function* facetContainers(event: Record<string, unknown>): Generator<[string, FacetKind, Record<string, unknown>]> {
  const objectAt = (value: unknown) => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined);
  const facetsOf = (owner: unknown, field: string) => objectAt(objectAt(owner)?.[field]);
  const runFacets = facetsOf(event.run, 'facets');
  if (runFacets) yield ['/run/facets', 'run', runFacets];
  const jobFacets = facetsOf(event.job, 'facets');
  if (jobFacets) yield ['/job/facets', 'job', jobFacets];
  const datasetFacets = facetsOf(event.dataset, 'facets');
  if (datasetFacets) yield ['/dataset/facets', 'dataset', datasetFacets];
  for (const side of ['inputs', 'outputs'] as const) {
    const list = Array.isArray(event[side]) ? (event[side] as unknown[]) : [];
    for (const [i, dataset] of list.entries()) {
      const facets = facetsOf(dataset, 'facets');
      if (facets) yield [`/${side}/${i}/facets`, 'dataset', facets];
      const ioField = side === 'inputs' ? 'inputFacets' : 'outputFacets';
      const ioFacets = facetsOf(dataset, ioField);
      if (ioFacets) yield [`/${side}/${i}/${ioField}`, side === 'inputs' ? 'input' : 'output', ioFacets];
    }
  }
}

const isDeleted = (facet: unknown) => typeof facet === 'object' && facet !== null && (facet as { _deleted?: unknown })._deleted === true;

const escapePointer = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');

/** Where each sub-schema object sits in its file, e.g. `#/$defs/Run/properties/runId`. */
const pointers = new WeakMap<object, string>();

function indexPointers(node: unknown, pointer: string): void {
  if (typeof node !== 'object' || node === null || pointers.has(node)) return;
  pointers.set(node, pointer);
  for (const [key, child] of Object.entries(node)) indexPointers(child, `${pointer}/${escapePointer(key)}`);
}

function schemaError(errors: ErrorObject[], prefix: string) {
  // The deepest error is the one that says what is wrong; the rest are its enclosing allOf/oneOf.
  const error = [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
  if (!error) return invalidArgument('Invalid OpenLineage event');
  const missing = error.keyword === 'required' ? `/${escapePointer(String(error.params.missingProperty))}` : '';
  const at = `${prefix}${error.instancePath}${missing}` || '/';
  const detail = error.keyword === 'enum' ? `${error.message}: ${(error.params.allowedValues as unknown[]).join(', ')}` : error.message;
  // Ajv's own schemaPath is relative to the last $ref it followed; say where in the file instead.
  const parent = error.parentSchema && pointers.get(error.parentSchema);
  const schemaPath = parent ? `${parent}/${error.keyword}` : error.schemaPath;
  return invalidArgument(`Invalid OpenLineage event at ${at}: ${detail} (schema ${schemaPath})`, { instancePath: at, schemaPath });
}
