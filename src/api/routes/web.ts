import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { notFoundHandler } from '../error-handler.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A file of the built web UI, served to anyone (see webRoutes). */
    webAsset?: boolean;
  }
}

/** Paths that belong to an API: an unknown one there is a JSON 404, never the UI's page. */
const apiPrefixes = ['/api/', '/ajax-api/', '/metrics', '/health'];

/**
 * The built UI (`npm run build` writes it to dist/web): files as they are, hashed assets cached
 * for a year, and index.html for any other page a browser asks for, so a pasted link
 * (`/runs/01a2…`) opens that view. Without a build the API alone is served.
 */
export function webRoutes(app: FastifyInstance, root: string | null = findWebRoot()): void {
  if (!root || !fs.existsSync(path.join(root, 'index.html'))) {
    app.setNotFoundHandler(notFoundHandler);
    return;
  }
  // The UI's files are public (a signed-out browser must load the login page); its data comes
  // from the API, which the permission table guards. The mark tells the auth hook so.
  void app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...(route.config ?? {}), webAsset: true };
    });
    await scope.register(fastifyStatic, {
    root,
    wildcard: false,
    index: false,
    cacheControl: false,
    setHeaders(reply, filePath) {
      // Vite names every bundled file by its content hash: it never changes under its name.
      const immutable = filePath.startsWith(path.join(root, 'assets') + path.sep);
      void reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
    });
  });
  app.setNotFoundHandler((request, reply) => (wantsPage(request) ? sendPage(reply, root) : notFoundHandler(request, reply)));
}

function wantsPage(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const url = request.url.split('?')[0]!;
  if (apiPrefixes.some((prefix) => url === prefix.replace(/\/$/, '') || url.startsWith(prefix))) return false;
  // A missing file (`/assets/gone.js`) stays a 404; a page is asked for as HTML.
  return !/\.[a-z0-9]+$/i.test(url) && (request.headers.accept ?? '').includes('text/html');
}

// Read here, not with the static plugin's sendFile: that lives in the plugin's own scope.
function sendPage(reply: FastifyReply, root: string) {
  return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(fs.createReadStream(path.join(root, 'index.html')));
}

/** dist/web beside the package's package.json, wherever this file was built or bundled to. */
function findWebRoot(): string | null {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i += 1) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'dist', 'web');
    dir = path.dirname(dir);
  }
  return null;
}
