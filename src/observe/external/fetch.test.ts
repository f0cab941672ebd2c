import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conditionalFetch, resolveHeaders } from './fetch.js';

describe('conditionalFetch and credentials', () => {
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    server = http.createServer((_req, res) => res.end('body'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/file`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('a token with a newline or control character in it is refused naming the header, never quoting the value', async () => {
    for (const token of ['s3cr3t-token\r\nX-Injected: 1', 's3cr3t-token\u0000']) {
      const headers = resolveHeaders({ Authorization: { env: 'TL_TEST_TOKEN' } }, { TL_TEST_TOKEN: token });
      const error = await conditionalFetch({ url, method: 'GET', headers, timeoutMs: 5000 }).then(
        () => null,
        (e: Error) => e,
      );
      expect(error).toBeInstanceOf(Error);
      expect(error!.message).toMatch(/header Authorization: .*newline or control character/);
      expect(error!.message).not.toContain('s3cr3t');
      expect(JSON.stringify(error)).not.toContain('s3cr3t');
    }
  });

  it('credentials in the URL are refused with a way out, and never repeated', async () => {
    const withUser = url.replace('http://', 'http://reader:s3cr3t-pw@');
    const error = await conditionalFetch({ url: withUser, method: 'GET', headers: {}, timeoutMs: 5000 }).then(
      () => null,
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error!.message).toMatch(/credentials in the URL are never sent.*\{env: VAR_NAME\}/);
    expect(error!.message).not.toContain('s3cr3t');
    expect(JSON.stringify(error)).not.toContain('s3cr3t');
  });

  it('a well-formed token still goes out and the body is digested', async () => {
    const headers = resolveHeaders({ Authorization: { env: 'TL_TEST_TOKEN' } }, { TL_TEST_TOKEN: 'Bearer fine' });
    const res = await conditionalFetch({ url, method: 'GET', headers, timeoutMs: 5000 });
    expect(res).toMatchObject({ status: 200, body: { size: 4 } });
  });

  it('a redirect to another origin drops every credential header (not only Authorization); one on the same origin keeps them', async () => {
    const got: http.IncomingHttpHeaders[] = [];
    const mirror = http.createServer((req, res) => {
      got.push(req.headers);
      res.end('mirrored');
    });
    await new Promise<void>((resolve) => mirror.listen(0, '127.0.0.1', resolve));
    const mirrorUrl = `http://127.0.0.1:${(mirror.address() as AddressInfo).port}/blob`;
    const origin = http.createServer((req, res) => {
      if (req.url === '/hop') return void res.writeHead(302, { location: '/moved' }).end();
      if (req.url === '/moved') {
        got.push(req.headers);
        return void res.writeHead(307, { location: mirrorUrl }).end();
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    try {
      const start = `http://127.0.0.1:${(origin.address() as AddressInfo).port}/hop`;
      const headers = resolveHeaders({ Authorization: { env: 'A' }, 'X-Api-Key': { env: 'K' }, Accept: 'application/octet-stream' }, { A: 'Bearer s3cr3t-a', K: 's3cr3t-k' });
      const res = await conditionalFetch({ url: start, method: 'GET', headers, timeoutMs: 5000 });
      expect(res).toMatchObject({ status: 200, body: { size: 'mirrored'.length } });
      const [sameOrigin, otherOrigin] = got;
      expect(sameOrigin).toMatchObject({ authorization: 'Bearer s3cr3t-a', 'x-api-key': 's3cr3t-k' });
      expect(otherOrigin!.accept).toBe('application/octet-stream');
      expect(otherOrigin!.authorization).toBeUndefined();
      expect(otherOrigin!['x-api-key']).toBeUndefined();
    } finally {
      await new Promise<void>((resolve) => origin.close(() => resolve()));
      await new Promise<void>((resolve) => mirror.close(() => resolve()));
    }
  });

  it('an API answer is not read past 1 MiB: a base_url pointing at a big file is refused, not buffered', async () => {
    let sent = 0;
    const big = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const piece = Buffer.alloc(64 * 1024, 0x20);
      // 64 MiB offered; the reader should stop after about 1 MiB.
      const push = () => {
        while (sent < 64 * 1024 * 1024) {
          sent += piece.length;
          if (!res.write(piece)) return void res.once('drain', push);
        }
        res.end();
      };
      push();
    });
    await new Promise<void>((resolve) => big.listen(0, '127.0.0.1', resolve));
    try {
      const at = `http://127.0.0.1:${(big.address() as AddressInfo).port}/api/models/a/b/revision/main`;
      await expect(conditionalFetch({ url: at, method: 'GET', headers: {}, json: true, timeoutMs: 20_000 })).rejects.toThrow(/larger than 1048576 bytes, not an API answer \(check base_url\)/);
      expect(sent).toBeLessThan(32 * 1024 * 1024);
    } finally {
      big.closeAllConnections();
      await new Promise<void>((resolve) => big.close(() => resolve()));
    }
  });
});
