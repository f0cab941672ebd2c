import type { FastifyInstance } from 'fastify';
import type { Threadline } from '../../context.js';
import { mapWithoutCredentials } from '../../ingest-mlflow/tag-names.js';
import { keyValueMap, toMlflowRun, toMlflowRunInfo } from './convert.js';
import { invalidParameter } from './errors.js';
import { withModelLinks } from './logged-model-convert.js';
import { fieldsOf, objectList, optionalInt, optionalString, runIdOf, stringList, viewTypeOf } from './request.js';
import { optionalRunStatus } from './run-status.js';

const runNameTag = 'mlflow.runName';

/** MLflow's runs/* lifecycle endpoints: create, get, update, delete, restore, search. */
export function runEndpoints(app: FastifyInstance, tl: Threadline): void {
  const ingest = tl.mlflowIngest;
  app.post('/runs/create', async (request) => {
    const f = fieldsOf(request);
    const tags = mapWithoutCredentials(keyValueMap(objectList(f, 'tags'), 'tags'));
    const runName = optionalString(f, 'run_name') || undefined;
    // MLflow refuses a run_name that contradicts the mlflow.runName tag rather than pick one.
    if (runName && tags[runNameTag] && tags[runNameTag] !== runName) {
      throw invalidParameter(
        `Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='${runName}', mlflow.runName='${tags[runNameTag]}').`,
      );
    }
    const info = await tl.runs.create({
      // MLflow's experiment_id is optional; like its stores, fall back to the Default experiment.
      experimentId: optionalString(f, 'experiment_id') || undefined,
      userId: optionalString(f, 'user_id') || undefined,
      startTime: optionalInt(f, 'start_time'),
      name: runName,
      tags,
    });
    await ingest.tagsSet(info.runId, Object.keys(tags));
    return { run: toMlflowRun(await tl.runs.get(info.runId)) };
  });

  app.get('/runs/get', async (request) => ({ run: (await withModelLinks(tl, [toMlflowRun(await tl.runs.get(runIdOf(fieldsOf(request))))]))[0] }));

  app.post('/runs/update', async (request) => {
    const f = fieldsOf(request);
    const info = await tl.runs.update(runIdOf(f), {
      status: optionalRunStatus(f, 'status'),
      endTime: optionalInt(f, 'end_time'),
      name: optionalString(f, 'run_name') || undefined,
    });
    if (info.status !== 'RUNNING' && info.status !== 'SCHEDULED') await ingest.runEnded(info.runId);
    return { run_info: toMlflowRunInfo(info) };
  });

  app.post('/runs/delete', async (request) => {
    await tl.runs.setLifecycle(runIdOf(fieldsOf(request)), 'deleted');
    return {};
  });

  app.post('/runs/restore', async (request) => {
    await tl.runs.setLifecycle(runIdOf(fieldsOf(request)), 'active');
    return {};
  });

  // MLflow's clients POST; GET with repeated query keys is accepted too.
  for (const method of ['POST', 'GET'] as const) {
    app.route({
      method,
      url: '/runs/search',
      handler: async (request) => {
        const f = fieldsOf(request);
        const page = await tl.search.runs({
          experimentIds: stringList(f, 'experiment_ids'),
          filter: optionalString(f, 'filter'),
          runViewType: viewTypeOf(f, 'run_view_type'),
          maxResults: optionalInt(f, 'max_results'),
          orderBy: stringList(f, 'order_by'),
          pageToken: optionalString(f, 'page_token'),
        });
        const runs = await tl.runs.summaries(page.runIds);
        return {
          ...(runs.length > 0 && { runs: await withModelLinks(tl, runs.map(toMlflowRun)) }),
          ...(page.nextPageToken && { next_page_token: page.nextPageToken }),
        };
      },
    });
  }
}
