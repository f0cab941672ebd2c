import { describe, expect, it } from 'vitest';
import type { Run } from '../tracking/types.js';
import { compareRuns, withinTolerance } from './compare-runs.js';

function run(overrides: { params?: Record<string, string>; metrics?: Record<string, number>; artifacts?: Record<string, string>; exitCode?: number }): Run {
  return {
    info: { status: overrides.exitCode ? 'FAILED' : 'FINISHED', exitCode: overrides.exitCode ?? 0 } as Run['info'],
    params: overrides.params ?? {},
    metrics: Object.fromEntries(Object.entries(overrides.metrics ?? {}).map(([key, value]) => [key, { key, value, step: 0, timestamp: 0 }])),
    tags: {},
    io: [],
    artifacts: Object.entries(overrides.artifacts ?? {}).map(([path, digest]) => ({ path, digest, size: 1, mediaType: null })),
    code: null,
    environment: null,
  };
}

describe('withinTolerance', () => {
  it('is absolute up to 1 and relative above, exact at 0, NaN equal to NaN', () => {
    expect(withinTolerance(0.5, 0.505, 0.01)).toBe(true);
    expect(withinTolerance(0.5, 0.52, 0.01)).toBe(false);
    expect(withinTolerance(250, 252, 0.01)).toBe(true);
    expect(withinTolerance(250, 253, 0.01)).toBe(false);
    expect(withinTolerance(0.1 + 0.2, 0.3, 0)).toBe(false);
    expect(withinTolerance(NaN, NaN, 0)).toBe(true);
    expect(withinTolerance(NaN, 1, 10)).toBe(false);
  });
});

describe('compareRuns', () => {
  const base = { params: { k: '5' }, metrics: { loss: 0.25 }, artifacts: { 'model/m.json': 'sha256:a', 'logs/stdout.log': 'sha256:l1' } };

  it('is identical when params, metrics and non-log artifacts match', () => {
    const c = compareRuns(run(base), run({ ...base, artifacts: { ...base.artifacts, 'logs/stdout.log': 'sha256:l2' } }), 0);
    expect(c).toMatchObject({ verdict: 'identical', params: [], metrics: [], artifacts: [], identicalArtifacts: 1, status: null });
  });

  it('is within tolerance when only metrics moved, by no more than the tolerance', () => {
    const c = compareRuns(run(base), run({ ...base, metrics: { loss: 0.2501 } }), 0.001);
    expect(c.verdict).toBe('within tolerance');
    expect(c.metrics).toEqual([{ key: 'loss', original: 0.25, reproduced: 0.2501, difference: expect.closeTo(0.0001, 8), withinTolerance: true }]);
  });

  it('differs on a param, a missing metric, an artifact digest, or the exit status, and lists each', () => {
    const c = compareRuns(run(base), run({ params: { k: '6' }, metrics: {}, artifacts: { 'model/m.json': 'sha256:b', 'extra.bin': 'sha256:c' }, exitCode: 1 }), 1);
    expect(c.verdict).toBe('differs');
    expect(c.params).toEqual([{ key: 'k', original: '5', reproduced: '6' }]);
    expect(c.metrics).toEqual([{ key: 'loss', original: 0.25, reproduced: null, difference: null, withinTolerance: false }]);
    expect(c.artifacts).toEqual([
      { path: 'extra.bin', original: null, reproduced: 'sha256:c' },
      { path: 'model/m.json', original: 'sha256:a', reproduced: 'sha256:b' },
    ]);
    expect(c.status).toEqual({ original: 'FINISHED (exit 0)', reproduced: 'FAILED (exit 1)' });
  });
});
