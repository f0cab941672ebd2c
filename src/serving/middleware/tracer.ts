import type { ServingIdentity } from '../proxy/identity.js';
import type { PredictionSink } from '../proxy/proxy-server.js';
import { Redactor } from '../proxy/redactor.js';
import { TraceFields } from '../proxy/trace-fields.js';

export interface TracerOptions {
  identity: ServingIdentity;
  sink: PredictionSink;
  /** Add prediction_id, model_version, run_id, git_sha to JSON object responses (default true). */
  inject?: boolean;
  /** Bytes of each body kept in the log (default 64 KiB); the rest is cut and flagged. */
  maxBody?: number;
  /** Share of requests whose bodies are logged (0–1, default 1); every request is logged. */
  sample?: number;
  /** Keys whose values are logged as "[REDACTED]", at any depth. */
  redact?: readonly string[];
  /** GET paths passed through unlogged (default `/health`: probes are not predictions). */
  untraced?: readonly string[];
}

/** The proxy's contract, inside the server: what the Connect middleware and the Fastify plugin share. */
export class RequestTracer {
  readonly identity: ServingIdentity;
  readonly sink: PredictionSink;
  readonly fields: TraceFields;
  readonly redact: Redactor;
  readonly cap: number;
  readonly sample: number;
  readonly injects: boolean;
  private readonly untraced: ReadonlySet<string>;

  constructor(options: TracerOptions) {
    const sample = options.sample ?? 1;
    if (!(sample >= 0 && sample <= 1)) throw new Error(`sample must be 0-1, got ${options.sample}`);
    this.identity = options.identity;
    this.sink = options.sink;
    this.fields = new TraceFields(options.identity);
    this.redact = new Redactor(options.redact ?? []);
    this.cap = options.maxBody ?? 64 * 1024;
    this.sample = sample;
    this.injects = options.inject !== false;
    this.untraced = new Set(options.untraced ?? ['/health']);
  }

  traces(method: string | undefined, url: string | undefined): boolean {
    if (method !== 'GET' || this.untraced.size === 0) return true;
    const path = url ?? '/';
    const query = path.indexOf('?');
    return !this.untraced.has(query < 0 ? path : path.slice(0, query));
  }
}
