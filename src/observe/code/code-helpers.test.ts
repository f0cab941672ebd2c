import { describe, expect, it } from 'vitest';
import { makeClassifier } from './classify.js';
import { globToRegExp } from './globs.js';
import { diffPackages, lockfileParser, parsePackageLock, parseRequirements, parseTomlPackages } from './lockfile-diff.js';

describe('globs', () => {
  it('keeps * in a segment, lets ** span folders, and matches bare names anywhere', () => {
    expect(globToRegExp('src/*.py').test('src/a.py')).toBe(true);
    expect(globToRegExp('src/*.py').test('src/sub/a.py')).toBe(false);
    expect(globToRegExp('features/**').test('features/a/b.sql')).toBe(true);
    expect(globToRegExp('**/features/*.py').test('features/x.py')).toBe(true);
    expect(globToRegExp('Dockerfile').test('svc/api/Dockerfile')).toBe(true);
    expect(globToRegExp('*.{yml,yaml}').test('a/b.yaml')).toBe(true);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
  });
});

describe('path categories', () => {
  const classify = makeClassifier({ features: ['sql/features/**'] });
  it('puts each path in one category, overrides first, Kubernetes YAML as manifests wherever it is', () => {
    expect(classify('requirements-dev.txt')).toBe('dependencies');
    expect(classify('web/package.json')).toBe('dependencies');
    expect(classify('data/raw.csv.dvc')).toBe('data');
    expect(classify('dvc.lock')).toBe('data');
    expect(classify('.github/workflows/ci.yml')).toBe('manifests');
    expect(classify('.gitlab-ci.yml')).toBe('manifests');
    expect(classify('docker/Dockerfile')).toBe('manifests');
    expect(classify('sql/features/user.sql')).toBe('features');
    expect(classify('features/user.py')).toBe('code');
    expect(classify('conf/train.yaml', () => 'lr: 0.1\n')).toBe('config');
    expect(classify('ops/svc.yaml', () => 'apiVersion: v1\nkind: Service\n')).toBe('manifests');
    expect(classify('src/model.py')).toBe('code');
    expect(classify('README.md')).toBe('docs');
    expect(classify('assets/logo.png')).toBe('other');
  });
});

describe('lockfiles', () => {
  it('reads npm v3 packages (nested too) and v1 dependencies', () => {
    const v3 = parsePackageLock(JSON.stringify({ lockfileVersion: 3, packages: { '': { version: '1.0.0' }, 'node_modules/a': { version: '1.0.0' }, 'node_modules/a/node_modules/b': { version: '2.0.0' }, 'packages/ws': { version: '0.0.1' } } }));
    expect([...v3!]).toEqual([['a', '1.0.0'], ['a/node_modules/b', '2.0.0']]);
    expect([...parsePackageLock(JSON.stringify({ lockfileVersion: 1, dependencies: { x: { version: '3.1.0' } } }))!]).toEqual([['x', '3.1.0']]);
    expect(parsePackageLock('{ not json')).toBeNull();
  });

  it('reads requirements pins and poetry/uv [[package]] tables', () => {
    const req = parseRequirements('-r base.txt\n# c\nNumPy==1.26.4  # pinned\nrequests[socks]>=2.0,<3\ngit+https://x/y.git\nzope.interface == 6.0\n');
    expect([...req]).toEqual([['numpy', '1.26.4'], ['requests', '>=2.0,<3'], ['zope-interface', '6.0']]);
    const poetry = parseTomlPackages('[[package]]\nname = "Pandas"\nversion = "2.2.0"\n\n[package.dependencies]\nnumpy = ">=1.22"\n\n[[package]]\nname = "numpy"\nversion = "1.26.4"\n\n[metadata]\nlock-version = "2.0"\n');
    expect([...poetry!]).toEqual([['pandas', '2.2.0'], ['numpy', '1.26.4']]);
    expect(lockfileParser('py/requirements-prod.txt')).toBe(parseRequirements);
    expect(lockfileParser('package.json')).toBeUndefined();
  });

  it('diffs two versions into added, removed and changed, sorted by name', () => {
    const diff = diffPackages(new Map([['b', '1'], ['a', '1'], ['c', '1']]), new Map([['a', '2'], ['c', '1'], ['d', '1']]));
    expect(diff).toEqual({ added: [{ name: 'd', version: '1' }], removed: [{ name: 'b', version: '1' }], changed: [{ name: 'a', from: '1', to: '2' }] });
  });
});
