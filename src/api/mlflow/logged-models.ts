import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Threadline } from '../../context.js';
import { recordLoggedModelEnvironment } from '../../ingest-mlflow/logged-model-environment.js';
import { statusOf } from '../../registry/logged-models/status.js';
import { cleanArtifactPath, listLevel } from './artifact-listing.js';
import { keyValueList } from './convert.js';
import { invalidParameter, missingParameter } from './errors.js';
import { toMlflowLoggedModel } from './logged-model-convert.js';
import { sendFile } from './send-file.js';
import { fieldsOf, objectList, optionalInt, optionalString, requiredString, stringList, type Fields } from './request.js';

type ModelParams = { Params: { model_id: string } };

/** MLflow 3's logged-models/* endpoints and runs/outputs, over the LoggedModelService. */
export function loggedModelEndpoints(app: FastifyInstance, tl: Threadline): void {
  const models = tl.loggedModels;
  const answer = async (modelId: string) => ({ model: toMlflowLoggedModel(await models.get(modelId)) });

  app.post('/logged-models', async (request) => {
    const f = fieldsOf(request);
    const created = await models.create({
      experimentId: requiredString(f, 'experiment_id'),
      name: optionalString(f, 'name') || undefined,
      modelType: optionalString(f, 'model_type') || undefined,
      sourceRunId: optionalString(f, 'source_run_id') || undefined,
      params: keyValueList(objectList(f, 'params'), 'params'),
      tags: keyValueList(objectList(f, 'tags'), 'tags'),
    });
    return { model: toMlflowLoggedModel(created) };
  });

  app.post('/logged-models/search', async (request) => {
    const f = fieldsOf(request);
    if (f.experiment_ids === undefined || f.experiment_ids === null) throw missingParameter('experiment_ids');
    const page = await models.search({
      experimentIds: stringList(f, 'experiment_ids'),
      filter: optionalString(f, 'filter') || undefined,
      datasets: objectList(f, 'datasets').map((d) => ({ datasetName: optionalString(d, 'dataset_name') ?? '', datasetDigest: optionalString(d, 'dataset_digest') || undefined })),
      maxResults: optionalInt(f, 'max_results') || undefined,
      orderBy: objectList(f, 'order_by').map(orderByOf),
      pageToken: optionalString(f, 'page_token') || undefined,
    });
    return {
      ...(page.models.length > 0 && { models: page.models.map(toMlflowLoggedModel) }),
      ...(page.nextPageToken && { next_page_token: page.nextPageToken }),
    };
  });

  app.get<ModelParams>('/logged-models/:model_id', async (request) => answer(request.params.model_id));

  app.patch<ModelParams>('/logged-models/:model_id', async (request) => {
    const raw = fieldsOf(request).status;
    if (raw === undefined || raw === null || raw === '') throw missingParameter('status');
    const status = statusOf(raw);
    if (!status) throw invalidParameter(`Invalid value ${JSON.stringify(raw)} for parameter 'status' supplied: expected one of LOGGED_MODEL_PENDING, LOGGED_MODEL_READY, LOGGED_MODEL_UPLOAD_FAILED.`);
    const model = await models.finalize(request.params.model_id, status);
    if (status !== 'LOGGED_MODEL_READY' || !(await recordLoggedModelEnvironment(tl, model))) return { model: toMlflowLoggedModel(model) };
    return answer(model.modelId);
  });

  app.delete<ModelParams>('/logged-models/:model_id', async (request) => {
    await models.delete(request.params.model_id);
    return {};
  });

  app.patch<ModelParams>('/logged-models/:model_id/tags', async (request) => {
    await models.setTags(request.params.model_id, keyValueList(objectList(fieldsOf(request), 'tags'), 'tags'));
    return answer(request.params.model_id);
  });

  app.delete<{ Params: { model_id: string; tag_key: string } }>('/logged-models/:model_id/tags/:tag_key', async (request) => {
    await models.deleteTag(request.params.model_id, request.params.tag_key);
    return {};
  });

  app.post<ModelParams>('/logged-models/:model_id/params', async (request) => {
    await models.logParams(request.params.model_id, keyValueList(objectList(fieldsOf(request), 'params'), 'params'));
    return {};
  });

  // One level of the model's files; `artifact_directory_path` relative to its artifact root.
  app.get<ModelParams>('/logged-models/:model_id/artifacts/directories', async (request) => {
    const model = await models.get(request.params.model_id);
    const files = listLevel(model.files, cleanArtifactPath(optionalString(fieldsOf(request), 'artifact_directory_path')));
    return { root_uri: model.artifactLocation, ...(files.length > 0 && { files }) };
  });

  // The UI's download of one file (served under /ajax-api in MLflow; here under both prefixes).
  app.get<ModelParams>('/logged-models/:model_id/artifacts/files', async (request, reply) => {
    const path = optionalString(fieldsOf(request), 'artifact_file_path');
    if (!path) throw invalidParameter('Request must include the "artifact_file_path" query parameter.');
    const clean = cleanArtifactPath(path);
    const file = (await models.get(request.params.model_id)).files.find((f) => f.path === clean);
    return sendFile(tl, reply, file, `No artifact at '${clean}' in logged model ${request.params.model_id}`);
  });

  app.post('/runs/outputs', async (request: FastifyRequest) => {
    const f = fieldsOf(request);
    const runId = requiredString(f, 'run_id');
    if (f.models === undefined || f.models === null) throw missingParameter('models');
    const links = objectList(f, 'models').map((m) => ({ modelId: requiredString(m, 'model_id'), direction: 'output' as const, step: optionalInt(m, 'step') ?? 0 }));
    await models.linkRun(runId, links);
    return {};
  });
}

function orderByOf(o: Fields): { fieldName: string; ascending?: boolean; datasetName?: string; datasetDigest?: string } {
  const ascending = o.ascending === undefined || o.ascending === null ? undefined : o.ascending === true || o.ascending === 'true';
  const datasetName = optionalString(o, 'dataset_name') || undefined;
  const datasetDigest = optionalString(o, 'dataset_digest') || undefined;
  if (datasetDigest && !datasetName) throw invalidParameter('`dataset_digest` can only be specified in `order_by` together with `dataset_name`.');
  return { fieldName: requiredString(o, 'field_name'), ascending, datasetName, datasetDigest };
}
