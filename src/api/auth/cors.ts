import type { FastifyInstance } from 'fastify';

/**
 * CORS for the listed origins only (none by default, so no other site's page can read answers).
 * A listed origin may send credentials; its preflight is answered here, before routing matters.
 */
export function allowOrigins(app: FastifyInstance, origins: readonly string[]): void {
  const allowed = new Set(origins.map((o) => o.replace(/\/$/, '').toLowerCase()));
  if (allowed.size === 0) return;
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (!origin || !allowed.has(origin.toLowerCase())) return;
    void reply.header('access-control-allow-origin', origin).header('access-control-allow-credentials', 'true').header('vary', 'Origin').header('access-control-expose-headers', 'x-request-id');
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method']) {
      return reply
        .status(204)
        .header('access-control-allow-methods', 'GET, HEAD, POST, PUT, PATCH, DELETE')
        .header('access-control-allow-headers', 'authorization, content-type, x-csrf-token')
        .header('access-control-max-age', '600')
        .send();
    }
  });
}

/** THREADLINE_CORS_ORIGINS: origins allowed cross-origin, comma-separated (`https://ui.example.com`). */
export function corsOriginsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.THREADLINE_CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean);
}
