import { describe, expect, it } from 'vitest';
import { runArtifactSource } from './artifact-digest.js';

describe('runArtifactSource', () => {
  const runId = '01a24d4e1de5720a944b7ad71d77cb6d';
  it("reads runs:/ sources and the run artifact URIs MLflow 2.x clients register from, for the version's own run only", () => {
    expect(runArtifactSource({ source: `runs:/${runId}/model`, runId: null })).toEqual({ runId, path: 'model' });
    expect(runArtifactSource({ source: `mlflow-artifacts:/1/${runId}/artifacts/model`, runId })).toEqual({ runId, path: 'model' });
    expect(runArtifactSource({ source: `s3://bucket/mlruns/1/${runId}/artifacts/model/`, runId })).toEqual({ runId, path: 'model' });
    expect(runArtifactSource({ source: `mlflow-artifacts:/1/${runId}/artifacts`, runId })).toEqual({ runId, path: '' });
    expect(runArtifactSource({ source: `mlflow-artifacts:/1/${'f'.repeat(32)}/artifacts/model`, runId })).toBeUndefined();
    expect(runArtifactSource({ source: 's3://bucket/models/reco', runId })).toBeUndefined();
    expect(runArtifactSource({ source: `mlflow-artifacts:/1/${runId}/artifacts/model`, runId: null })).toBeUndefined();
  });
});
