import type { FastifyInstance } from 'fastify';
import { invalidArgument } from '../errors.js';

/** Deeper than any body the API reads (OpenLineage facets nest a few levels); bounds every walk. */
export const maxJsonDepth = 64;

/**
 * One check before every route, so that no route has to remember it: parsed bodies, query
 * strings and path parameters must hold no NUL (PostgreSQL text cannot store one, and a key or
 * name with one is never meant) and nest at most `maxJsonDepth` deep (a 10,000-deep value would
 * overflow the stack of whatever recursive code reads it next, validators included).
 */
export function checkInputs(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    checkValue(request.params, 'path');
    checkValue(request.query, 'query');
    // Streams (artifact uploads, bulk feedback) are bytes, not values: they are not walked.
    const body = request.body;
    if (body !== null && typeof body === 'object' && typeof (body as { pipe?: unknown }).pipe === 'function') return;
    checkValue(body, 'body');
  });
}

/** Walks `value` without recursion; throws INVALID_ARGUMENT naming the first offending place. */
export function checkValue(value: unknown, where: string): void {
  // The walk that names the place builds a path per value: run it only when there is one to name.
  if (isClean(value)) return;
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: where, depth: 0 }];
  while (stack.length > 0) {
    const { value: v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) throw invalidArgument(`${path} contains a NUL character (\\u0000), which is not allowed in any string`, { path });
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= maxJsonDepth) throw invalidArgument(`${where} nests deeper than ${maxJsonDepth} levels at ${path.slice(0, 200)}…`, { path: where });
    const entries = Array.isArray(v) ? v.map((item, i) => [String(i), item] as const) : Object.entries(v as Record<string, unknown>);
    for (const [key, item] of entries) {
      if (key.includes('\u0000')) throw invalidArgument(`a key in ${path} contains a NUL character (\\u0000), which is not allowed`, { path });
      stack.push({ value: item, path: `${path}.${key}`, depth: depth + 1 });
    }
  }
}

/** The same walk with nothing built per value (a bulk ingest body has thousands): true when nothing offends. */
function isClean(value: unknown): boolean {
  const values: unknown[] = [value];
  const depths: number[] = [0];
  while (values.length > 0) {
    const v = values.pop();
    const depth = depths.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return false;
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= maxJsonDepth) return false;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        values.push(v[i]);
        depths.push(depth + 1);
      }
      continue;
    }
    for (const key in v) {
      if (!Object.hasOwn(v, key)) continue;
      if (key.includes('\u0000')) return false;
      values.push((v as Record<string, unknown>)[key]);
      depths.push(depth + 1);
    }
  }
  return true;
}
