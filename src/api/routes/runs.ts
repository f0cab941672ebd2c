import type { FastifyInstance } from 'fastify';
import type { CodeVersion, DataVersion, Environment } from '../../capture/types.js';
import type { Threadline } from '../../context.js';
import type { CreateRunInput, EndStaleRunsInput, LogBatchInput, Metric } from '../../tracking/types.js';
import { decodeNumber } from '../json.js';
import type { SearchRunsQuery } from '../../registry/search-filter/search-runs-query.js';
import { viewOf } from './experiments.js';

type RunParams = { Params: { id: string } };

export function runRoutes(app: FastifyInstance, tl: Threadline): void {
  app.post<{ Body: CreateRunInput & { experimentName?: string } }>('/api/runs', async (request, reply) => {
    const { experimentName, ...input } = request.body ?? {};
    const experimentId = experimentName ? (await tl.experiments.ensure(experimentName)).experimentId : input.experimentId;
    const run = await tl.runs.create({ ...input, experimentId });
    return reply.status(201).send(run);
  });

  app.get<{ Querystring: { experiment?: string | string[]; view?: string; limit?: string } }>('/api/runs', async (request) => {
    const { experiment, view, limit } = request.query;
    const experimentIds = experiment === undefined ? undefined : [experiment].flat();
    return { runs: await tl.runs.list({ experimentIds, lifecycle: viewOf(view), limit: limit ? Number(limit) : undefined }) };
  });

  // MLflow's filter grammar, answered with whole summaries: the web UI's runs table pages through it.
  app.post<{ Body: SearchRunsQuery }>('/api/runs/search', async (request) => tl.search.runSummaries(request.body ?? {}));

  app.post<{ Body: EndStaleRunsInput }>('/api/runs/end-stale', async (request) => ({ ended: await tl.runs.endStale(request.body ?? ({} as EndStaleRunsInput)) }));

  app.post<RunParams>('/api/runs/:id/heartbeat', async (request) => tl.runs.heartbeat(request.params.id));

  app.get<RunParams>('/api/runs/:id', async (request) => tl.runs.get(await tl.runs.resolveId(request.params.id)));

  app.patch<RunParams>('/api/runs/:id', async (request) => tl.runs.update(request.params.id, (request.body ?? {}) as never));

  app.delete<RunParams>('/api/runs/:id', async (request, reply) => {
    await tl.runs.setLifecycle(request.params.id, 'deleted');
    return reply.status(204).send();
  });

  app.post<RunParams>('/api/runs/:id/restore', async (request) => {
    await tl.runs.setLifecycle(request.params.id, 'active');
    return tl.runs.info(request.params.id);
  });

  app.post<RunParams & { Body: LogBatchInput }>('/api/runs/:id/batch', async (request, reply) => {
    const body = request.body ?? {};
    const metrics = Array.isArray(body.metrics) ? body.metrics.map((m: Metric) => ({ ...m, value: decodeNumber(m?.value) as number })) : body.metrics;
    await tl.runs.logBatch(request.params.id, { ...body, metrics });
    return reply.status(204).send();
  });

  app.get<RunParams & { Params: { key: string } }>('/api/runs/:id/metrics/:key', async (request) => ({
    metrics: await tl.runs.metricHistory(request.params.id, request.params.key),
  }));

  app.put<RunParams & { Body: CodeVersion }>('/api/runs/:id/code', async (request, reply) => {
    await tl.runs.recordCode(request.params.id, request.body);
    return reply.status(204).send();
  });

  app.put<RunParams & { Body: Environment }>('/api/runs/:id/environment', async (request, reply) => {
    await tl.runs.recordEnvironment(request.params.id, request.body);
    return reply.status(204).send();
  });

  app.post<RunParams & { Body: { direction: 'input' | 'output'; name: string; data: DataVersion } }>('/api/runs/:id/data', async (request, reply) => {
    const { direction, name, data } = request.body ?? {};
    await tl.runs.recordData(request.params.id, direction, name, data);
    return reply.status(204).send();
  });

  app.get<{ Params: { digest: string } }>('/api/data/:digest', async (request) => tl.runs.dataVersion(request.params.digest));
}
