import type { FastifyInstance } from 'fastify';
import type { Threadline } from '../../context.js';
import { keyValueMap, toMlflowExperiment } from './convert.js';
import { fieldsOf, objectList, optionalInt, optionalString, requiredString, stringList, viewTypeOf } from './request.js';

/** MLflow's experiments/* endpoints over the ExperimentService. */
export function experimentEndpoints(app: FastifyInstance, tl: Threadline): void {
  app.post('/experiments/create', async (request) => {
    const f = fieldsOf(request);
    const name = requiredString(f, 'name');
    const artifactLocation = optionalString(f, 'artifact_location') || undefined;
    const experiment = await tl.experiments.create({ name, artifactLocation, tags: keyValueMap(objectList(f, 'tags'), 'tags') });
    return { experiment_id: experiment.experimentId };
  });

  app.get('/experiments/get', async (request) => {
    const experiment = await tl.experiments.get(requiredString(fieldsOf(request), 'experiment_id'));
    return { experiment: toMlflowExperiment(experiment) };
  });

  app.get('/experiments/get-by-name', async (request) => {
    const experiment = await tl.experiments.getByName(requiredString(fieldsOf(request), 'experiment_name'));
    return { experiment: toMlflowExperiment(experiment) };
  });

  // The Python client POSTs; the UI and older clients GET.
  for (const method of ['GET', 'POST'] as const) {
    app.route({
      method,
      url: '/experiments/search',
      handler: async (request) => {
        const f = fieldsOf(request);
        const page = await tl.search.experiments({
          filter: optionalString(f, 'filter'),
          viewType: viewTypeOf(f, 'view_type'),
          maxResults: optionalInt(f, 'max_results'),
          orderBy: stringList(f, 'order_by'),
          pageToken: optionalString(f, 'page_token'),
        });
        const experiments = await Promise.all(page.experimentIds.map((id) => tl.experiments.get(id)));
        return {
          ...(experiments.length > 0 && { experiments: experiments.map(toMlflowExperiment) }),
          ...(page.nextPageToken && { next_page_token: page.nextPageToken }),
        };
      },
    });
  }

  app.post('/experiments/update', async (request) => {
    const f = fieldsOf(request);
    const experimentId = requiredString(f, 'experiment_id');
    const newName = optionalString(f, 'new_name');
    // MLflow treats an absent new_name as nothing to change, after checking the experiment exists.
    if (newName) await tl.experiments.rename(experimentId, newName);
    else await tl.experiments.get(experimentId);
    return {};
  });

  app.post('/experiments/delete', async (request) => {
    await tl.experiments.delete(requiredString(fieldsOf(request), 'experiment_id'));
    return {};
  });

  app.post('/experiments/restore', async (request) => {
    await tl.experiments.restore(requiredString(fieldsOf(request), 'experiment_id'));
    return {};
  });

  app.post('/experiments/set-experiment-tag', async (request) => {
    const f = fieldsOf(request);
    await tl.experiments.setTag(requiredString(f, 'experiment_id'), requiredString(f, 'key'), optionalString(f, 'value') ?? '');
    return {};
  });

  // `delete-experiment-tag` is MLflow's path; `delete-tag` is accepted for hand-written clients.
  for (const url of ['/experiments/delete-experiment-tag', '/experiments/delete-tag']) {
    app.post(url, async (request) => {
      const f = fieldsOf(request);
      await tl.experiments.deleteTag(requiredString(f, 'experiment_id'), requiredString(f, 'key'));
      return {};
    });
  }
}
