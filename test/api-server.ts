import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { startServer, type ServerOptions } from '../src/api/server.js';
import { openThreadline, type Threadline } from '../src/context.js';
import { ThreadlineClient } from '../src/sdk/client.js';
import type { DialectName } from '../src/store/database.js';
import { freshDatabaseUrl } from './dialects.js';

/** A Threadline on a fresh database, served on loopback, with an SDK client pointed at it. */
export interface TestApi {
  tl: Threadline;
  app: FastifyInstance;
  url: string;
  /** The server's database, for processes that write to it directly (a model server's prediction log). */
  databaseUrl: string;
  client: ThreadlineClient;
  /** A temp folder for the artifacts and whatever files a test writes. */
  home: string;
  close(): Promise<void>;
}

export async function startTestApi(dialect: DialectName, prepare?: (tl: Threadline) => Promise<void>, options: ServerOptions = {}): Promise<TestApi> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-api-'));
  const databaseUrl = await freshDatabaseUrl(dialect);
  const tl = await openThreadline({ databaseUrl, artifactsUrl: path.join(home, 'artifacts'), s3: { region: 'us-east-1', forcePathStyle: true } });
  await prepare?.(tl);
  const { app, url } = await startServer(tl, '127.0.0.1', 0, options);
  const client = new ThreadlineClient(url);
  return {
    tl,
    app,
    url,
    databaseUrl,
    client,
    home,
    async close() {
      await client.close();
      await app.close();
      await tl.close();
    },
  };
}
