import type { FastifyInstance } from 'fastify';
import { metricsExporter } from '../../alerts/metrics.js';
import type { HttpMetrics } from '../../alerts/http-metrics.js';
import type { Threadline } from '../../context.js';

/** Prometheus scrape endpoint: predictions, latency, drift, events, alerts, observers, what is deployed. */
export function metricsRoutes(app: FastifyInstance, tl: Threadline, http?: HttpMetrics): void {
  const exporter = metricsExporter(tl.store, undefined, http);
  app.get('/metrics', async (_request, reply) => {
    const text = await exporter.render();
    reply.header('content-type', exporter.contentType);
    return reply.send(text);
  });
}
