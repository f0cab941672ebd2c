import fs from 'node:fs';
import type { Threadline } from '../context.js';
import { feedbackFormat } from '../serving/prediction-service.js';
import type { ThreadlineApi } from '../contract.js';
import { normalizeArtifactPath } from '../artifact-path.js';
import { readWithProgress } from '../progress.js';
import { checkTextFormat, formatTrace } from '../lineage/format/index.js';
import { embeddedIdentity } from './embedded-identity.js';
import { listObserverHealth } from '../observe/state-store.js';

/** The ThreadlineApi straight on an opened store: what the CLI uses without THREADLINE_URL. */
export function embeddedApi(tl: Threadline, location: string): ThreadlineApi {
  const deployments = tl.deployments;
  return {
    location,
    ensureExperiment: (name) => tl.experiments.ensure(name),
    listExperiments: (view = 'active') => tl.experiments.list(view),
    async createRun({ experimentName, ...input }) {
      const experimentId = experimentName ? (await tl.experiments.ensure(experimentName)).experimentId : input.experimentId;
      return tl.runs.create({ ...input, experimentId });
    },
    getRun: async (id) => tl.runs.get(await tl.runs.resolveId(id)),
    listRuns: (query) => tl.runs.list(query),
    updateRun: (runId, changes) => tl.runs.update(runId, changes),
    logBatch: (runId, batch) => tl.runs.logBatch(runId, batch),
    heartbeatRun: (runId) => tl.runs.heartbeat(runId),
    endStaleRuns: (input) => tl.runs.endStale(input),
    metricHistory: (runId, key) => tl.runs.metricHistory(runId, key),
    recordCode: (runId, code) => tl.runs.recordCode(runId, code),
    recordEnvironment: (runId, environment) => tl.runs.recordEnvironment(runId, environment),
    recordData: (runId, direction, name, data) => tl.runs.recordData(runId, direction, name, data),
    putBlob: (bytes) => (typeof bytes === 'string' || bytes instanceof Uint8Array ? tl.artifacts.putBytes(bytes) : tl.artifacts.put(bytes)),
    readBlob: (digest) => tl.artifacts.readBytes(digest),
    openBlob: (digest) => tl.artifacts.open(digest),
    getDataVersion: (digest) => tl.runs.dataVersion(digest),
    async uploadArtifact(runId, path, filePath, mediaType) {
      const artifactPath = normalizeArtifactPath(path);
      await tl.runs.info(runId);
      const blob = await tl.artifacts.put(readWithProgress(filePath, `uploading ${artifactPath}`));
      const artifact = { path: artifactPath, digest: blob.digest, size: blob.size, mediaType: mediaType ?? null };
      await tl.runs.recordArtifact(runId, artifact);
      return artifact;
    },
    listArtifacts: (runId) => tl.runs.artifacts(runId),
    createModel: (input) => tl.models.createModel(input),
    getModel: (name) => tl.models.getModel(name),
    searchModels: (search) => tl.models.searchModels(search),
    searchRuns: (query) => tl.search.runSummaries(query),
    registerModel: (input) => tl.models.register(input),
    createModelVersion: (input) => tl.models.createVersion(input),
    getModelVersion: (name, version) => tl.models.getVersion(name, version),
    resolveModel: (ref) => tl.models.resolve(ref),
    getLoggedModel: (modelId) => tl.loggedModels.get(modelId),
    searchModelVersions: (search) => tl.models.searchVersions(search),
    setModelAlias: (name, alias, version, actor) => tl.models.setAlias(name, alias, version, actor),
    deleteModelAlias: (name, alias, actor) => tl.models.deleteAlias(name, alias, actor),
    modelHistory: (name) => tl.models.history(name),
    trace: (id, options) => tl.traces.trace(id, options),
    formatTrace: async (id, format, options) => formatTrace(await tl.traces.trace(id, options), checkTextFormat(format)),
    listPredictions: (query) => tl.predictions.list(query),
    getPrediction: (id) => tl.predictions.get(id),
    recordFeedback: (id, feedback) => tl.predictions.recordFeedback(id, feedback),
    importFeedback: (filePath) => tl.predictions.importFeedback(fs.createReadStream(filePath), feedbackFormat(filePath)),
    ingestPredictions: (records) => tl.predictionIngest.ingest(records),
    recordEvent: (event) => tl.events.record(event),
    listEvents: (query) => tl.events.list(query),
    getEvent: (id) => tl.events.get(id),
    listObserverHealth: () => listObserverHealth(tl.store),
    recordValidation: (input) => tl.validations.record(input),
    listValidations: (query) => tl.validations.list(query),
    getValidation: (id) => tl.validations.get(id),
    backfillMlflow: (query) => tl.mlflowIngest.backfill(query),
    listImages: (filter) => tl.images.list(filter),
    getImage: (id) => tl.images.get(id),
    recordImage: (input) => tl.images.record(input),
    resolveDeploySubject: (ref) => deployments.resolveDeploySubject(ref),
    planRollback: (environment, by) => deployments.planRollback(environment, by),
    recordDeployment: (input) => deployments.recordDeployment(input),
    updateDeployment: (id, change) => deployments.updateDeployment(id, change),
    listDeployments: (environment) => deployments.listDeployments(environment),
    getDeployment: (id) => deployments.getDeployment(id),
    rollback: async (environment, by = {}) => (await tl.deployer.rollback({ environment, runId: by.runId, to: by.to })).deployment,
    ...embeddedIdentity(tl),
    close: () => tl.close(),
  };
}
