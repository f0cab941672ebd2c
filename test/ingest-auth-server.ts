import type http from 'node:http';
import { startTestApi, type TestApi } from './api-server.js';

/** A server that requires authentication, as the middlewares' refusal tests meet it. */
export interface IngestAuthServer {
  api: TestApi;
  /** An editor service account's: its batches are taken. */
  goodToken: string;
  /** A viewer's: its batches are refused with 403. */
  viewerToken: string;
  /** When each request to the bulk ingest arrived (Date.now()), as the server's socket saw it. */
  batches: number[];
}

/** On SQLite: what is tested is the middleware's answer to a refusal, not the store. */
export async function startIngestAuthServer(): Promise<IngestAuthServer> {
  let goodToken = '';
  let viewerToken = '';
  const batches: number[] = [];
  const api = await startTestApi(
    'sqlite',
    async (tl) => {
      await tl.identity.createPrincipal({ name: 'model-server', kind: 'service', role: 'editor' });
      goodToken = (await tl.identity.createToken({ principal: 'model-server', name: 'middleware' })).token;
      await tl.identity.createPrincipal({ name: 'dashboard', kind: 'service', role: 'viewer' });
      viewerToken = (await tl.identity.createToken({ principal: 'dashboard', name: 'read-only' })).token;
    },
    { auth: { required: true } },
  );
  api.app.server.on('request', (req: http.IncomingMessage) => void (req.url?.endsWith('/api/predictions:batch') && batches.push(Date.now())));
  return { api, goodToken, viewerToken, batches };
}
