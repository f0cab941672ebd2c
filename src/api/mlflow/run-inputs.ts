import type { FastifyInstance } from 'fastify';
import type { Threadline } from '../../context.js';
import { keyValueList } from './convert.js';
import { datasetTagKey, type MlflowDatasetInput } from '../../ingest-mlflow/dataset-inputs.js';
import { invalidParameter, missingParameter } from './errors.js';
import { fieldsOf, objectList, optionalString, requiredString, type Fields } from './request.js';

/** The tag MLflow appends each logged model's MLmodel (as JSON) to. */
const loggedModelsTag = 'mlflow.log-model.history';
const modelFields = ['artifact_path', 'flavors', 'utc_time_created', 'run_id'];

/** MLflow's runs/log-model and runs/log-inputs: what a run produced and read, as run tags. */
export function runInputEndpoints(app: FastifyInstance, tl: Threadline): void {
  const ingest = tl.mlflowIngest;
  app.post('/runs/log-model', async (request) => {
    const f = fieldsOf(request);
    const runId = requiredString(f, 'run_id');
    const modelJson = requiredString(f, 'model_json');
    let model: unknown;
    try {
      model = JSON.parse(modelJson);
    } catch {
      throw invalidParameter(`Malformed model info. \n ${modelJson} \n is not a valid JSON.`);
    }
    if (!model || typeof model !== 'object' || Array.isArray(model)) throw invalidParameter(`Malformed model info. \n ${modelJson} \n is not a JSON object.`);
    const missing = modelFields.filter((k) => !(k in model));
    if (missing.length > 0) throw invalidParameter(`Model json is missing mandatory fields: {${missing.map((k) => `'${k}'`).join(', ')}}`);
    // Read-append-write, as MLflow's stores do; two concurrent log-model calls on one run can race.
    const previous = (await tl.runs.get(runId)).tags[loggedModelsTag];
    const history = previous ? historyOf(previous) : [];
    await tl.runs.logBatch(runId, { tags: [{ key: loggedModelsTag, value: JSON.stringify([...history, model]) }] });
    // 2.x clients call log-model after uploading the model folder: its environment files are there.
    if (typeof (model as { artifact_path?: unknown }).artifact_path === 'string') await ingest.modelLogged(runId, (model as { artifact_path: string }).artifact_path);
    return {};
  });

  app.post('/runs/log-inputs', async (request) => {
    const f = fieldsOf(request);
    const runId = requiredString(f, 'run_id');
    const inputs = objectList(f, 'datasets').map(datasetInputOf);
    const tags = inputs.map((input) => ({ key: datasetTagKey(input.dataset), value: JSON.stringify(input) }));
    // MLflow 3's model inputs: logged models the run read (an evaluation, a fine-tune).
    const models = objectList(f, 'models').map((m) => ({ modelId: requiredString(m, 'model_id'), direction: 'input' as const, step: 0 }));
    // Tag values are limited to 8,000 characters: a dataset with a larger schema or profile is refused.
    await tl.runs.logBatch(runId, { tags });
    await ingest.datasetsLogged(runId, inputs);
    if (models.length > 0) await tl.loggedModels.linkRun(runId, models);
    return {};
  });
}

function historyOf(value: string): unknown[] {
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

/** A DatasetInput message: its dataset's name, digest, source_type and source are required. */
function datasetInputOf(input: Fields): MlflowDatasetInput {
  const raw = input.dataset;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw missingParameter('datasets.dataset');
  const d = raw as Fields;
  const required = (name: string) => {
    const value = optionalString(d, name);
    if (!value) throw missingParameter(`dataset.${name}`);
    return value;
  };
  const schema = optionalString(d, 'schema');
  const profile = optionalString(d, 'profile');
  const tags = keyValueList(objectList(input, 'tags'), 'tags');
  return {
    ...(tags.length > 0 && { tags }),
    dataset: {
      name: required('name'),
      digest: required('digest'),
      source_type: required('source_type'),
      source: required('source'),
      ...(schema && { schema }),
      ...(profile && { profile }),
    },
  };
}
