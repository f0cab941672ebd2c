import fs from 'node:fs';

/**
 * The OpenLineage JSON Schemas, kept verbatim in `spec/openlineage/` at the package root. Both
 * `src/openlineage/` (tsx) and `dist/openlineage/` (compiled) sit two levels below the root, so
 * one relative URL finds them from either: no copy step in the build.
 */
const specDir = new URL('../../spec/openlineage/', import.meta.url);

export type JsonSchema = Record<string, unknown> & { $id: string };

export interface SpecFiles {
  core: JsonSchema;
  facets: JsonSchema[];
}

let cached: SpecFiles | undefined;

export function loadSpecFiles(): SpecFiles {
  if (cached) return cached;
  const read = (url: URL) => JSON.parse(fs.readFileSync(url, 'utf8')) as JsonSchema;
  const facetDir = new URL('facets/', specDir);
  const facets = fs
    .readdirSync(facetDir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => read(new URL(file, facetDir)));
  cached = { core: read(new URL('OpenLineage.json', specDir)), facets };
  return cached;
}

/** `https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet` */
export function facetSchemaUrl(definition: string): string {
  const file = loadSpecFiles().facets.find((f) => f.$id.endsWith(`/${definition}.json`));
  if (!file) throw new Error(`no OpenLineage facet schema named ${definition}`);
  return `${file.$id}#/$defs/${definition}`;
}

/** `https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent` */
export function eventSchemaUrl(definition = 'RunEvent'): string {
  return `${loadSpecFiles().core.$id}#/$defs/${definition}`;
}
