import type { LineageApi, TraceTextFormat } from '../lineage/api.js';
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

    /**
     * The thread as the CLI prints it: `text`, or a graph for Graphviz (`dot`) or Mermaid.
     *
     * @example
     * const mermaid = await tl.formatTrace('amazon-recommender@champion', 'mermaid');
     * fs.writeFileSync('thread.mmd', mermaid);
     */
    async formatTrace(id: string, format: TraceTextFormat, options: TraceOptions = {}): Promise<string> {
      const params = new URLSearchParams({ id, format });
      if (options.direction) params.set('direction', options.direction);
      if (options.depth !== undefined) params.set('depth', String(options.depth));
      if (options.type) params.set('type', options.type);
      return (await http.call<{ text: string }>('GET', `/api/lineage/formatted?${params}`)).text;
    },
  };
  return client;
}
