import { describe, expect, it } from 'vitest';
import type { Environment } from '../capture/types.js';
import { describeDrift, diffDataFiles } from './data-diff.js';
import { diffEnvironments } from './environment-diff.js';

describe('diffDataFiles', () => {
  it('lists changed, missing and added files by path', () => {
    const recorded = [
      { path: 'a.csv', size: 10, digest: 'sha256:aa' },
      { path: 'b.csv', size: 5, digest: 'sha256:bb' },
    ];
    const current = [
      { path: 'a.csv', size: 12, digest: 'sha256:a2' },
      { path: 'c.csv', size: 3, digest: 'sha256:cc' },
    ];
    const drift = diffDataFiles(recorded, current);
    expect(drift.map((d) => [d.path, d.change])).toEqual([
      ['a.csv', 'changed'],
      ['b.csv', 'missing'],
      ['c.csv', 'added'],
    ]);
    expect(drift.map(describeDrift)).toEqual(['a.csv changed (10 → 12 bytes, sha256:aa… → sha256:a2…)', 'b.csv missing (was 5 bytes)', 'c.csv added (3 bytes)']);
    expect(diffDataFiles(recorded, recorded)).toEqual([]);
  });
});

describe('diffEnvironments', () => {
  const env = (overrides: Partial<Environment>): Environment => ({
    digest: 'sha256:x',
    os: 'linux',
    osRelease: '6.1',
    arch: 'x64',
    runtimes: { node: '20.19.0', python: '3.11.7' },
    lockfiles: [{ path: 'requirements.txt', digest: 'sha256:r1' }],
    pythonPackages: ['numpy==2.1.0', 'pandas==2.2.0'],
    containerImageDigest: null,
    envVarNames: ['HOME'],
    envVars: {},
    ...overrides,
  });

  it('reports runtimes, lockfiles, packages and OS, and ignores env var names', () => {
    const current = env({
      arch: 'arm64',
      runtimes: { node: '22.1.0', python: '3.11.7' },
      lockfiles: [{ path: 'requirements.txt', digest: 'sha256:r2' }],
      pythonPackages: ['numpy==2.2.0', 'scipy==1.14.0'],
      envVarNames: ['HOME', 'PATH'],
    });
    expect(diffEnvironments(env({}), current)).toEqual([
      { field: 'arch', recorded: 'x64', current: 'arm64' },
      { field: 'runtime node', recorded: '20.19.0', current: '22.1.0' },
      { field: 'lockfile requirements.txt', recorded: 'sha256:r1', current: 'sha256:r2' },
      { field: 'python package numpy', recorded: '2.1.0', current: '2.2.0' },
      { field: 'python package pandas', recorded: '2.2.0', current: null },
      { field: 'python package scipy', recorded: null, current: '1.14.0' },
    ]);
    expect(diffEnvironments(env({}), env({ envVarNames: ['OTHER'], digest: 'sha256:y' }))).toEqual([]);
  });
});
