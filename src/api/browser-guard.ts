import { hostname, networkInterfaces } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { permissionDenied } from '../errors.js';
import { MlflowError } from './mlflow/errors.js';

/**
 * Browsers on the same machine are attackers too: a DNS-rebinding page reaches a loopback server
 * under its own host name, and any page can send a "simple" cross-site POST (no content type,
 * text/plain, a form) without a CORS preflight. Both are refused here, with or without auth.
 */

/** Content types a browser sends cross-site without asking first (the CORS-safelisted ones). */
const simpleTypes = new Set(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']);

const loopbackNames = ['localhost', '127.0.0.1', '::1'];
const wildcards = new Set(['0.0.0.0', '::', '']);

/** `*` in the list lets any Host through (behind a proxy that checks it). */
export type AllowedHosts = ReadonlySet<string>;

/**
 * A host name in one spelling: lower case, and IPv6 literals as a URL writes them, for clients
 * send what their URL parser made of the address (`::ffff:127.0.0.1` arrives as `::ffff:7f00:1`).
 */
function canonicalHost(name: string): string {
  const lower = name.toLowerCase();
  if (!lower.includes(':')) return lower;
  try {
    return new URL(`http://[${lower}]/`).hostname.slice(1, -1);
  } catch {
    return lower; // a zone id (fe80::1%eth0) or not an address at all: compared as written
  }
}

/** The names a server bound to `host` answers to: loopback, the bound address (all local ones for a wildcard), and `extra`. */
export function allowedHostsFor(host: string, extra: readonly string[] = []): AllowedHosts {
  const names = new Set([...loopbackNames, ...extra].map(canonicalHost));
  if (wildcards.has(host)) {
    names.add(canonicalHost(hostname()));
    for (const list of Object.values(networkInterfaces())) for (const entry of list ?? []) names.add(canonicalHost(entry.address));
  } else names.add(canonicalHost(host));
  return names;
}

/** Whether an address to listen on is reachable from this machine only. */
export function isLoopback(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[|\]$/g, '');
  return name === 'localhost' || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/** THREADLINE_ALLOWED_HOSTS: more names clients use for this server, comma-separated. */
export function allowedHostsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.THREADLINE_ALLOWED_HOSTS ?? '').split(',').map((name) => name.trim()).filter((name) => name !== '');
}

/** The host part of a Host header: `[::1]:5000` → `::1`, `example.com:80` → `example.com`. */
export function hostOf(header: string): string {
  const value = header.trim().toLowerCase();
  if (value.startsWith('[')) return canonicalHost(value.slice(1, value.indexOf(']')));
  const colon = value.indexOf(':');
  return colon === value.lastIndexOf(':') && colon >= 0 ? value.slice(0, colon) : canonicalHost(value);
}

const mlflowContentTypeMessage = "Bad Request. Content-Type must be one of ['application/json'].";

export function guardBrowsers(app: FastifyInstance, allowed: AllowedHosts): void {
  app.addHook('onRequest', async (request) => {
    const host = request.headers.host;
    if (host !== undefined && !allowed.has('*') && !allowed.has(hostOf(host))) {
      throw permissionDenied(`Host '${hostOf(host)}' is not an address of this server (add it to THREADLINE_ALLOWED_HOSTS)`);
    }
    if (request.method !== 'POST') return;
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type === '' || simpleTypes.has(type)) {
      // MLflow's own server refuses these with this very line; its clients may show it as is.
      if (/^\/(ajax-)?api\/2\.0\/mlflow\//.test(request.url)) throw new MlflowError('INVALID_PARAMETER_VALUE', mlflowContentTypeMessage);
      throw Object.assign(new Error(`POST needs a content type a browser cannot send cross-site unasked (application/json, application/octet-stream, application/x-ndjson, text/csv), got '${type || 'none'}'`), {
        statusCode: 415,
      });
    }
  });
}
