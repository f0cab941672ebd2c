import http from 'node:http';
import type net from 'node:net';

export interface TokenProxy {
  host: string;
  /** Requests the proxy saw, with the Authorization scheme each carried (never the secret). */
  seen: { method: string; url: string; auth: string }[];
  stop(): Promise<void>;
}

/**
 * A registry that wants the Bearer token flow, as Docker Hub, GHCR or ECR do: every /v2/ call
 * without the token gets 401 and a `WWW-Authenticate: Bearer realm=…` challenge; the realm hands
 * out the token for Basic `user:password`; authorised calls pass through to `upstream`.
 */
export async function startTokenProxy(upstream: string, user: string, password: string): Promise<TokenProxy> {
  const token = 'test-token-1234';
  const seen: TokenProxy['seen'] = [];
  const server = http.createServer((req, res) => {
    const auth = req.headers.authorization ?? '';
    seen.push({ method: req.method ?? '', url: req.url ?? '', auth: auth.split(' ')[0] ?? '' });
    const host = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    if (req.url?.startsWith('/token')) {
      const ok = auth === `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      return res.end(ok ? JSON.stringify({ token }) : '{}');
    }
    if (auth !== `Bearer ${token}`) {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${host}/token",service="test-registry",scope="repository:reco:pull"` });
      return res.end();
    }
    const forward = http.request(`http://${upstream}${req.url}`, { method: req.method, headers: { ...req.headers, host: upstream } }, (up) => {
      const headers = { ...up.headers };
      // Upload locations name the upstream; rewrite them so the client keeps talking to us.
      if (headers.location) headers.location = headers.location.replace(`http://${upstream}`, `http://${host}`);
      res.writeHead(up.statusCode ?? 502, headers);
      up.pipe(res);
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    seen,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
