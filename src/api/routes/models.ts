import type { FastifyInstance } from 'fastify';
import type { Threadline } from '../../context.js';
import { decodePercent } from '../../percent.js';
import type { CreateModelInput, CreateVersionInput, RegisterInput, SearchInput } from '../../registry/types.js';

type Name = { Params: { name: string } };
type Version = { Params: { name: string; version: string } };
type Alias = { Params: { name: string; alias: string } };
type Search = { Querystring: { filter?: string; maxResults?: string; pageToken?: string; orderBy?: string | string[] } };

/** The model registry over HTTP: parse, call the ModelService, reply. */
export function modelRoutes(app: FastifyInstance, tl: Threadline): void {
  const models = tl.models;

  app.post<{ Body: CreateModelInput }>('/api/models', async (request, reply) => reply.status(201).send(await models.createModel(request.body ?? ({} as never))));

  app.get<Search>('/api/models', async (request) => {
    const { items, nextPageToken } = await models.searchModels(searchOf(request.query));
    return { models: items, nextPageToken };
  });

  app.get<Search>('/api/model-versions', async (request) => {
    const { items, nextPageToken } = await models.searchVersions(searchOf(request.query));
    return { versions: items, nextPageToken };
  });

  // `name@alias`, `name/3` (slash encoded or not), `name/Production`, or `name` for its latest version.
  app.get<{ Params: { '*': string } }>('/api/models/resolve/*', async (request) => models.resolve(decodePercent(request.params['*'], 'model reference')));

  app.get<Name>('/api/models/:name', async (request) => models.getModel(request.params.name));

  app.patch<Name & { Body: { name?: string; description?: string } }>('/api/models/:name', async (request) => {
    const { name, description } = request.body ?? {};
    let current = request.params.name;
    if (description !== undefined) await models.updateModel(current, { description });
    if (name !== undefined) current = (await models.renameModel(current, name)).name;
    return models.getModel(current);
  });

  app.delete<Name & { Querystring: { actor?: string } }>('/api/models/:name', async (request, reply) => {
    await models.deleteModel(request.params.name, request.query.actor);
    return reply.status(204).send();
  });

  app.put<{ Params: { name: string; key: string }; Body: { value: string } }>('/api/models/:name/tags/:key', async (request, reply) => {
    await models.setModelTag(request.params.name, request.params.key, request.body?.value);
    return reply.status(204).send();
  });

  app.delete<{ Params: { name: string; key: string } }>('/api/models/:name/tags/:key', async (request, reply) => {
    await models.deleteModelTag(request.params.name, request.params.key);
    return reply.status(204).send();
  });

  // With `runId` and `artifactPath`, registers the run's files (the model created when missing);
  // otherwise a version of an existing model from `source`.
  app.post<Name & { Body: Partial<CreateVersionInput & RegisterInput> }>('/api/models/:name/versions', async (request, reply) => {
    const body = request.body ?? {};
    const name = request.params.name;
    const version =
      body.artifactPath !== undefined && body.runId !== undefined
        ? await models.register({ ...body, name, runId: body.runId, artifactPath: body.artifactPath })
        : await models.createVersion({ ...body, name, source: body.source as string });
    return reply.status(201).send(version);
  });

  app.get<Version>('/api/models/:name/versions/:version', async (request) => models.getVersion(request.params.name, request.params.version));

  app.patch<Version & { Body: { description?: string; stage?: string; archiveExistingVersions?: boolean } }>('/api/models/:name/versions/:version', async (request) => {
    const { name, version } = request.params;
    const { description, stage, archiveExistingVersions } = request.body ?? {};
    if (description !== undefined) await models.updateVersion(name, version, { description });
    if (stage !== undefined) await models.transitionStage(name, version, stage, archiveExistingVersions === true);
    return models.getVersion(name, version);
  });

  app.delete<Version & { Querystring: { actor?: string } }>('/api/models/:name/versions/:version', async (request, reply) => {
    await models.deleteVersion(request.params.name, request.params.version, request.query.actor);
    return reply.status(204).send();
  });

  app.put<{ Params: { name: string; version: string; key: string }; Body: { value: string } }>('/api/models/:name/versions/:version/tags/:key', async (request, reply) => {
    await models.setVersionTag(request.params.name, request.params.version, request.params.key, request.body?.value);
    return reply.status(204).send();
  });

  app.delete<{ Params: { name: string; version: string; key: string } }>('/api/models/:name/versions/:version/tags/:key', async (request, reply) => {
    await models.deleteVersionTag(request.params.name, request.params.version, request.params.key);
    return reply.status(204).send();
  });

  app.get<Alias>('/api/models/:name/aliases/:alias', async (request) => models.getByAlias(request.params.name, request.params.alias));

  app.put<Alias & { Body: { version: number | string; actor?: string } }>('/api/models/:name/aliases/:alias', async (request) => {
    const { version, actor } = request.body ?? ({} as { version: number });
    return models.setAlias(request.params.name, request.params.alias, version, actor);
  });

  app.delete<Alias & { Querystring: { actor?: string } }>('/api/models/:name/aliases/:alias', async (request, reply) => {
    await models.deleteAlias(request.params.name, request.params.alias, request.query.actor);
    return reply.status(204).send();
  });

  app.get<Name>('/api/models/:name/history', async (request) => ({ history: await models.history(request.params.name) }));
}

function searchOf(query: Search['Querystring']): SearchInput {
  const { filter, maxResults, pageToken, orderBy } = query ?? {};
  return {
    filter,
    pageToken,
    maxResults: maxResults === undefined ? undefined : Number(maxResults),
    orderBy: orderBy === undefined ? undefined : [orderBy].flat(),
  };
}
