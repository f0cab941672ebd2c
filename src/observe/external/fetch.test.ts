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
});
