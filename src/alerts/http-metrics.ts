import { Counter, Histogram, Registry } from 'prom-client';

const labelNames = ['method', 'route', 'status'] as const;

/**
 * The server's own HTTP traffic, per replica (Prometheus sums replicas): labelled by the route
 * pattern (`/api/runs/:id`), never the raw URL, so that ids do not make a series each.
 */
export class HttpMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({ name: 'threadline_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status.', labelNames, registers: [this.registry] });
  private readonly duration = new Histogram({
    name: 'threadline_http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by method, route pattern and status.',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  /** `route` is the matched pattern; requests that matched none share one label. */
  observe(method: string, route: string | undefined, status: number, seconds: number): void {
    const labels = { method, route: route ?? '(unmatched)', status: String(status) };
    this.requests.inc(labels);
    this.duration.observe(labels, seconds);
  }
}
