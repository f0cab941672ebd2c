import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

// Headers of one connection, not of the message: never forwarded (RFC 9110 §7.6.1). `expect` is
// answered by node:http itself (100 Continue), and undici refuses to send it.
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'expect']);

export function isHopByHop(lowerCaseName: string): boolean {
  return hopByHop.has(lowerCaseName);
}

export function forwardable(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !hopByHop.has(name)) out[name] = value;
  }
  return out;
}

export function header(headers: Record<string, string | string[] | undefined> | OutgoingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value === undefined ? undefined : String(value);
}

/** What the proxy needs to know of a request, read from its raw header list in one pass. */
export interface RequestHead {
  /** Flat [name, value, …] list for the upstream, without hop-by-hop headers. */
  forward: string[];
  /** True when a body follows (a non-zero Content-Length or a Transfer-Encoding). */
  hasBody: boolean;
}

/** One pass over `req.rawHeaders` (so node:http never builds its header object). */
export function requestHead(raw: readonly string[]): RequestHead {
  const forward: string[] = [];
  let hasBody = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (lower === 'content-length') hasBody ||= raw[i + 1]!.trim() !== '0';
    else if (lower === 'transfer-encoding') hasBody = true;
    if (!hopByHop.has(lower)) forward.push(name, raw[i + 1]!);
  }
  return { forward, hasBody };
}

/** What the proxy needs to know of a response, from undici's raw header buffers. */
export interface ResponseHead {
  /** Flat [name, value, …] list for `res.writeHead`, without hop-by-hop headers. */
  headers: string[];
  contentType: string | undefined;
  contentLength: string | undefined;
  contentEncoding: string | undefined;
  /** Index in `headers` of the Content-Length value (to rewrite it after injection). */
  contentLengthAt: number;
}

export function responseHead(raw: readonly Buffer[]): ResponseHead {
  const headers: string[] = [];
  const head: ResponseHead = { headers, contentType: undefined, contentLength: undefined, contentEncoding: undefined, contentLengthAt: -1 };
  for (let i = 0; i < raw.length; i += 2) {
    // latin1 keeps the bytes as they came; node:http writes header strings back as latin1.
    const name = raw[i]!.toString('latin1');
    const lower = name.toLowerCase();
    if (hopByHop.has(lower)) continue;
    const value = raw[i + 1]!.toString('latin1');
    if (lower === 'content-type') head.contentType ??= value;
    else if (lower === 'content-length') {
      head.contentLength ??= value;
      head.contentLengthAt = headers.length + 1;
    } else if (lower === 'content-encoding') head.contentEncoding ??= value;
    headers.push(name, value);
  }
  return head;
}
