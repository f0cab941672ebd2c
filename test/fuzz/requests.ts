import fc from 'fast-check';
import type { FastifyInstance, InjectOptions, RouteOptions } from 'fastify';
import { encode, hostileString, queryString, wireBody, type WireBody } from './arbitraries.js';

/** One route as Fastify registered it: a method and a URL pattern (`/api/runs/:id`, `…/*`). */
export interface Route {
  method: string;
  url: string;
}

/** Every route but HEAD (Fastify answers it from GET), as the onRoute hook saw them. */
export function routeCollector(): { routes: Route[]; onRoute: (route: RouteOptions) => void } {
  const routes: Route[] = [];
  return {
    routes,
    onRoute(route) {
      for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url });
    },
  };
}

export interface FuzzRequest {
  method: string;
  url: string;
  body: WireBody;
}

/** The ids of the entities the fuzz may touch: path parameters are drawn from them often. */
export interface KnownIds {
  [param: string]: readonly string[];
}

const hostilePath: fc.Arbitrary<string> = fc
  .array(fc.oneof(hostileString, fc.constantFrom('..', '.', '', 'artifacts', 'a', '%2e%2e', '..%2f', '\u0000')), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.map((p) => (/^[.%a-z0-9]*$/i.test(p) ? p : encode(p))).join('/'));

/** A request to `route` with hostile path parameters, query string and body. */
export function requestTo(route: Route, known: KnownIds): fc.Arbitrary<FuzzRequest> {
  const names = [...route.url.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  const params = fc.tuple(...names.map((n) => fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...(known[n] ?? ['x'])) }, { weight: 1, arbitrary: hostileString.map(encode) })));
  const wildcard = route.url.endsWith('*') ? fc.oneof(fc.constantFrom(...(known['*'] ?? ['x'])), hostilePath) : fc.constant('');
  return fc.record({ params, wildcard, query: queryString, body: wireBody }).map(({ params, wildcard, query, body }) => {
    let i = 0;
    let url = route.url.replace(/:(\w+)/g, () => params[i++]!);
    if (url.endsWith('*')) url = url.slice(0, -1) + wildcard;
    return { method: route.method, url: query ? `${url}?${query}` : url, body };
  });
}

/** Sends it in-process; the answer's status and the start of its body. */
export async function send(app: FastifyInstance, r: FuzzRequest): Promise<{ status: number; text: string }> {
  const options: InjectOptions = { method: r.method as InjectOptions['method'], url: r.url };
  if (r.body.payload !== undefined && r.method !== 'GET' && r.method !== 'DELETE') {
    options.payload = r.body.payload;
    options.headers = r.body.contentType ? { 'content-type': r.body.contentType } : {};
  }
  const response = await app.inject(options);
  return { status: response.statusCode, text: response.body.slice(0, 300) };
}

/** A short, printable account of a request that went wrong. */
export function describeRequest(r: FuzzRequest): string {
  const payload = r.body.payload === undefined ? '' : String(r.body.payload);
  const shown = payload.length > 200 ? `${payload.slice(0, 200)}… (${payload.length} chars)` : payload;
  return `${r.method} ${r.url.length > 300 ? r.url.slice(0, 300) + '…' : r.url} [${r.body.contentType ?? 'no type'}] ${JSON.stringify(shown)}`;
}
