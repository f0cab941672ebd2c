import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ModelHttpServer {
  url: string;
  close(): Promise<void>;
}

export interface Reply {
  status: number;
  body: unknown;
}

/**
 * The model servers' shared HTTP shell on a loopback port: `POST /predict` and `POST /invocations`
 * (MLflow's scoring path) hand the raw body to `handle`; anything else is a JSON 404. The tracing
 * proxy sits in front and answers `/health`.
 */
export async function listenModelHttp(handle: (body: string) => Promise<Reply>): Promise<ModelHttpServer> {
  const server = http.createServer(async (req, res) => {
    const send = ({ status, body }: Reply) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
    };
    if (req.method !== 'POST' || (req.url !== '/predict' && req.url !== '/invocations')) {
      return send({ status: 404, body: { error_code: 'NOT_FOUND', message: `No route for ${req.method} ${req.url}: POST /predict or /invocations` } });
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    try {
      send(await handle(Buffer.concat(chunks).toString('utf8')));
    } catch (error) {
      // A handler bug must not take the server down: the proxy logs the 500 like any other answer.
      send({ status: 500, body: { error_code: 'INTERNAL_ERROR', message: (error as Error).message } });
    }
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
