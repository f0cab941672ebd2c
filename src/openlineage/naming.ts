import { digestJson } from '../capture/canonical.js';

/**
 * Graph ids of OpenLineage jobs and datasets: `sha256:` of canonical JSON `[namespace, name]`, so
 * ids stay short enough for an edge whatever the name (Spark plans, object-store paths).
 */
export function olEntityId(namespace: string, name: string): string {
  return digestJson([namespace, name]);
}

/** The DataVersion digest of a dataset version named by a `version` facet. */
export function datasetVersionDigest(namespace: string, name: string, version: string): string {
  return digestJson({ namespace, name, version });
}

/** `s3://bucket` + `path/x` → `s3://bucket/path/x`; `file` + `/data/x.csv` → `file/data/x.csv`. */
export function qualifiedName(namespace: string, name: string): string {
  return namespace.endsWith('/') || name.startsWith('/') ? `${namespace}${name}` : `${namespace}/${name}`;
}

/**
 * The names under which a Threadline run may have declared this dataset as an input: its
 * qualified name, its bare name, and for the `file` namespace the path itself (what
 * `threadline run --input` records as the data's URI).
 */
export function inputNameCandidates(namespace: string, name: string): string[] {
  const names = [qualifiedName(namespace, name), `${namespace}/${name}`, name];
  if (namespace.startsWith('file')) names.push(name.replace(/^file:\/\//, ''));
  return [...new Set(names)];
}

/** Event times without an offset (the Python client's habit) are read as UTC, not local time. */
export function eventMillis(eventTime: string): number {
  const hasOffset = /(Z|[+-]\d\d:?\d\d)$/i.test(eventTime);
  return Date.parse(hasOffset ? eventTime : `${eventTime}Z`);
}
