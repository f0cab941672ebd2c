import type { FastifyInstance } from 'fastify';
import type { Threadline } from '../../context.js';
import { keyValueMap } from './convert.js';
import { toMlflowModelVersion, toMlflowRegisteredModel } from './registry-convert.js';
import { maxResultsLimit } from '../../registry/search-filter/index.js';
import { invalidParameter } from './errors.js';
import { fieldsOf, objectList, optionalInt, optionalString, requiredString, stringList, type Fields } from './request.js';

/** MLflow's registered-models/* and model-versions/* endpoints over the ModelService. */
export function registryEndpoints(app: FastifyInstance, tl: Threadline): void {
  const models = tl.models;
  const version = (f: Fields) => requiredString(f, 'version');

  app.post('/registered-models/create', async (request) => {
    const f = fieldsOf(request);
    const model = await models.createModel({ name: requiredString(f, 'name'), description: optionalString(f, 'description'), tags: keyValueMap(objectList(f, 'tags'), 'tags') });
    return { registered_model: toMlflowRegisteredModel(model) };
  });

  app.get('/registered-models/get', async (request) => ({ registered_model: toMlflowRegisteredModel(await models.getModel(requiredString(fieldsOf(request), 'name'))) }));

  app.post('/registered-models/rename', async (request) => {
    const f = fieldsOf(request);
    const name = requiredString(f, 'name');
    const newName = optionalString(f, 'new_name');
    const model = newName ? await models.renameModel(name, newName) : await models.getModel(name);
    return { registered_model: toMlflowRegisteredModel(model) };
  });

  app.patch('/registered-models/update', async (request) => {
    const f = fieldsOf(request);
    const model = await models.updateModel(requiredString(f, 'name'), { description: optionalString(f, 'description') });
    return { registered_model: toMlflowRegisteredModel(model) };
  });

  app.delete('/registered-models/delete', async (request) => {
    await models.deleteModel(requiredString(fieldsOf(request), 'name'));
    return {};
  });

  app.get('/registered-models/search', async (request) => {
    const f = fieldsOf(request);
    const page = await models.searchModels({ filter: optionalString(f, 'filter'), maxResults: maxResultsOf(f, 100, 1000), orderBy: stringList(f, 'order_by'), pageToken: optionalString(f, 'page_token') });
    return {
      ...(page.items.length > 0 && { registered_models: page.items.map(toMlflowRegisteredModel) }),
      ...(page.nextPageToken && { next_page_token: page.nextPageToken }),
    };
  });

  for (const method of ['GET', 'POST'] as const) {
    app.route({
      method,
      url: '/registered-models/get-latest-versions',
      handler: async (request) => {
        const f = fieldsOf(request);
        const latest = await models.latestVersions(requiredString(f, 'name'), stringList(f, 'stages'));
        return latest.length > 0 ? { model_versions: latest.map(toMlflowModelVersion) } : {};
      },
    });
  }

  app.post('/registered-models/set-tag', async (request) => {
    const f = fieldsOf(request);
    await models.setModelTag(requiredString(f, 'name'), requiredString(f, 'key'), optionalString(f, 'value') ?? '');
    return {};
  });

  app.delete('/registered-models/delete-tag', async (request) => {
    const f = fieldsOf(request);
    await models.deleteModelTag(requiredString(f, 'name'), requiredString(f, 'key'));
    return {};
  });

  app.post('/registered-models/alias', async (request) => {
    const f = fieldsOf(request);
    await models.setAlias(requiredString(f, 'name'), requiredString(f, 'alias'), version(f));
    return {};
  });

  app.delete('/registered-models/alias', async (request) => {
    const f = fieldsOf(request);
    await models.deleteAlias(requiredString(f, 'name'), requiredString(f, 'alias'));
    return {};
  });

  app.get('/registered-models/alias', async (request) => {
    const f = fieldsOf(request);
    return { model_version: toMlflowModelVersion(await models.getByAlias(requiredString(f, 'name'), requiredString(f, 'alias'))) };
  });

  app.post('/model-versions/create', async (request) => {
    const f = fieldsOf(request);
    const created = await models.createVersion({
      name: requiredString(f, 'name'),
      source: requiredString(f, 'source'),
      runId: optionalString(f, 'run_id') || undefined,
      runLink: optionalString(f, 'run_link') || undefined,
      description: optionalString(f, 'description'),
      tags: keyValueMap(objectList(f, 'tags'), 'tags'),
      // MLflow records the user who registered: the authenticated one (or a fronting proxy's), not the server's.
      userId: request.caller?.via === 'local' && !request.headers.authorization ? undefined : request.caller?.name,
      modelId: optionalString(f, 'model_id') || undefined,
    });
    return { model_version: toMlflowModelVersion(created) };
  });

  app.get('/model-versions/get', async (request) => {
    const f = fieldsOf(request);
    return { model_version: toMlflowModelVersion(await models.getVersion(requiredString(f, 'name'), version(f))) };
  });

  app.patch('/model-versions/update', async (request) => {
    const f = fieldsOf(request);
    const updated = await models.updateVersion(requiredString(f, 'name'), version(f), { description: optionalString(f, 'description') });
    return { model_version: toMlflowModelVersion(updated) };
  });

  app.delete('/model-versions/delete', async (request) => {
    const f = fieldsOf(request);
    await models.deleteVersion(requiredString(f, 'name'), version(f));
    return {};
  });

  app.get('/model-versions/search', async (request) => {
    const f = fieldsOf(request);
    const page = await models.searchVersions({ filter: optionalString(f, 'filter'), maxResults: maxResultsOf(f, 10_000, 200_000), orderBy: stringList(f, 'order_by'), pageToken: optionalString(f, 'page_token') });
    return {
      ...(page.items.length > 0 && { model_versions: page.items.map(toMlflowModelVersion) }),
      ...(page.nextPageToken && { next_page_token: page.nextPageToken }),
    };
  });

  app.post('/model-versions/transition-stage', async (request) => {
    const f = fieldsOf(request);
    const archive = f.archive_existing_versions === true || f.archive_existing_versions === 'true';
    const moved = await models.transitionStage(requiredString(f, 'name'), version(f), requiredString(f, 'stage'), archive);
    return { model_version: toMlflowModelVersion(moved) };
  });

  app.post('/model-versions/set-tag', async (request) => {
    const f = fieldsOf(request);
    await models.setVersionTag(requiredString(f, 'name'), version(f), requiredString(f, 'key'), optionalString(f, 'value') ?? '');
    return {};
  });

  app.delete('/model-versions/delete-tag', async (request) => {
    const f = fieldsOf(request);
    await models.deleteVersionTag(requiredString(f, 'name'), version(f), requiredString(f, 'key'));
    return {};
  });

  app.get('/model-versions/get-download-uri', async (request) => {
    const f = fieldsOf(request);
    return { artifact_uri: await models.downloadUri(requiredString(f, 'name'), version(f)) };
  });
}

/**
 * MLflow's defaults and ceilings (100 / 1,000 models, 10,000 / 200,000 versions). Pages are at most
 * the shared search limit; a larger ask gets that many and a next_page_token.
 */
function maxResultsOf(f: Fields, fallback: number, ceiling: number): number {
  const asked = optionalInt(f, 'max_results') ?? fallback;
  if (asked < 1 || asked > ceiling) throw invalidParameter(`Invalid value ${asked} for parameter 'max_results' supplied: it must be between 1 and ${ceiling}.`);
  return Math.min(asked, maxResultsLimit);
}
