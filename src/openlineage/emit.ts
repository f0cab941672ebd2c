import type { CodeVersion, DataVersion } from '../capture/types.js';
import type { TrackingApi } from '../tracking/api.js';
import type { RunStatus } from '../tracking/types.js';
import { endState, runEvent, type RunDescription } from './emit-events.js';
import type { RunEvent } from './types.js';

/** What `threadline run` calls; a no-op unless THREADLINE_OPENLINEAGE_URL is set. */
export interface OpenLineageEmitter {
  started(runId: string, experiment: string, code: CodeVersion | null, inputNames: string[], inputs: DataVersion[]): Promise<void>;
  ended(api: Pick<TrackingApi, 'listArtifacts'>, status: RunStatus, exitCode: number): Promise<void>;
}

const quiet: OpenLineageEmitter = { started: async () => undefined, ended: async () => undefined };

/**
 * OpenLineage out: START when the run starts, COMPLETE/FAIL/ABORT when it ends, POSTed to
 * THREADLINE_OPENLINEAGE_URL (a base URL gets Marquez's `/api/v1/lineage`). Lineage is a side
 * channel: a consumer that is down or slow costs a warning on stderr, never the run.
 */
export function openLineageEmitter(env: NodeJS.ProcessEnv, warn: (message: string) => void): OpenLineageEmitter {
  const base = env.THREADLINE_OPENLINEAGE_URL;
  if (!base) return quiet;
  const endpoint = lineageEndpoint(base);
  const namespace = env.THREADLINE_OPENLINEAGE_NAMESPACE || 'threadline';
  const timeoutMs = Number(env.THREADLINE_OPENLINEAGE_TIMEOUT_MS) || 3000;
  let run: RunDescription | undefined;

  const send = async (event: RunEvent) => {
    try {
      const response = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event), signal: AbortSignal.timeout(timeoutMs) });
      if (!response.ok) warn(`OpenLineage ${event.eventType} not accepted by ${endpoint}: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
      else await response.body?.cancel();
    } catch (error) {
      warn(`OpenLineage ${event.eventType} not sent to ${endpoint}: ${(error as Error).message}`);
    }
  };

  return {
    async started(runId, experiment, code, inputNames, inputs) {
      run = { runId, namespace, experiment, code, inputs: inputs.map((data, i) => ({ name: inputNames[i] ?? data.uri, data })) };
      await send(runEvent('START', run));
    },
    async ended(api, status, exitCode) {
      if (!run) return;
      try {
        // Declared outputs, and anything the command logged itself; its captured logs are not data.
        const outputs = (await api.listArtifacts(run.runId)).filter((a) => !a.path.startsWith('logs/'));
        await send(runEvent(endState(status), run, outputs, exitCode));
      } catch (error) {
        warn(`OpenLineage ${endState(status)} not sent: ${(error as Error).message}`);
      }
    },
  };
}

export function lineageEndpoint(base: string): string {
  const url = new URL(base);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/api/v1/lineage';
  return url.toString();
}
