import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Threadline } from '../../src/context.js';
import { ExperimentStore } from '../../src/tracking/experiment-store.js';

/**
 * Records that the fuzz cannot name (a 32-hex run id, a model name with random hex, an experiment
 * id far past the ones handed out), read back over the API before and after: any difference is
 * damage done by a request that should have been refused.
 */
export interface Snapshot {
  read(): Promise<unknown>;
}

export async function plantSnapshot(tl: Threadline, app: FastifyInstance): Promise<Snapshot> {
  const hex = randomBytes(6).toString('hex');
  const experimentId = String(900_000_000 + Number.parseInt(hex.slice(0, 6), 16));
  const now = Date.now();
  await new ExperimentStore(tl.store.db).insert(
    { experiment_id: experimentId, name: `snapshot-${hex}`, artifact_location: `mlflow-artifacts:/${experimentId}`, lifecycle_stage: 'active', creation_time: now, last_update_time: now },
    { owner: 'fuzz' },
  );
  const run = await tl.runs.create({ experimentId, name: `snapshot-run-${hex}`, tags: { team: 'alpha' } });
  await tl.runs.logBatch(run.runId, { params: [{ key: 'lr', value: '0.1' }], metrics: [{ key: 'acc', value: 0.9, timestamp: now, step: 1 }], tags: [{ key: 'stage', value: 'x' }] });
  const blob = await tl.artifacts.putBytes('snapshot bytes');
  await tl.runs.recordArtifact(run.runId, { path: 'model/model.bin', digest: blob.digest, size: blob.size, mediaType: null });
  const model = `snapshot-model-${hex}`;
  await tl.models.createModel({ name: model, description: 'kept', tags: { k: 'v' } });
  await tl.models.createVersion({ name: model, source: `runs:/${run.runId}/model`, runId: run.runId });
  await tl.models.setAlias(model, 'champion', 1);
  const paths = [
    `/api/experiments/${experimentId}`,
    `/api/runs/${run.runId}`,
    `/api/runs/${run.runId}/artifacts`,
    `/api/runs/${run.runId}/artifacts/model/model.bin`,
    `/api/models/${model}`,
    `/api/models/${model}/versions/1`,
    `/api/models/${model}/aliases/champion`,
    `/api/2.0/mlflow/runs/get?run_id=${run.runId}`,
  ];
  return {
    async read() {
      const answers = await Promise.all(paths.map(async (url) => {
        const response = await app.inject({ method: 'GET', url });
        return { url, status: response.statusCode, body: response.body };
      }));
      return answers;
    },
  };
}
