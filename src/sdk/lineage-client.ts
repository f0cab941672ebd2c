import type { LineageApi } from '../lineage/api.js';
import type { TraceOptions, TraceResult } from '../lineage/trace-types.js';
import type { HttpTransport } from './http.js';

/** Lineage over HTTP. */
export function lineageClient(http: HttpTransport): LineageApi {
  const client: LineageApi = {
    /**
     * The lineage thread from an id: upstream to what made it, or downstream to what came from it.
     *
     * @example
     * const { nodes } = await tl.trace('amazon-recommender@champion');
     * const { counts } = await tl.trace('sha256:77e0…', { direction: 'downstream' }); // { run: 2, model_version: 1, … }
     */
    trace(id: string, options: TraceOptions = {}): Promise<TraceResult> {
      const params = new URLSearchParams({ id });
      if (options.direction) params.set('direction', options.direction);
      if (options.depth !== undefined) params.set('depth', String(options.depth));
      if (options.type) params.set('type', options.type);
      return http.call('GET', `/api/lineage/trace?${params}`);
    },
  };
  return client;
}
