import { matcher } from './globs.js';

/** What a changed path is, for the `commit` event: first match wins, in this order. */
export const pathCategories = ['dependencies', 'data', 'manifests', 'features', 'config', 'code', 'docs', 'other'] as const;
export type PathCategory = (typeof pathCategories)[number];

export type PathGlobs = Partial<Record<PathCategory, string[]>>;

/** Built-in globs; an entry in the settings' `paths` replaces the defaults of its category. */
export const defaultGlobs: Record<Exclude<PathCategory, 'other'>, string[]> = {
  dependencies: [
    'package.json', 'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml',
    'requirements*.txt', 'requirements/*.txt', 'constraints*.txt', 'Pipfile', 'Pipfile.lock', 'pyproject.toml', 'poetry.lock', 'uv.lock', 'setup.py', 'setup.cfg',
    'environment.yml', 'environment.yaml', 'conda-lock.yml', 'go.mod', 'go.sum', 'Cargo.toml', 'Cargo.lock', 'Gemfile', 'Gemfile.lock', 'renv.lock',
  ],
  data: ['*.dvc', 'dvc.lock', 'dvc.yaml', '.dvc/**', 'data/**'],
  manifests: [
    'Dockerfile', 'Dockerfile.*', '*.dockerfile', 'docker-compose*.y{a,}ml', 'compose.y{a,}ml', '.dockerignore',
    '.github/workflows/**', '.gitlab-ci.yml', 'Jenkinsfile', 'azure-pipelines.yml', '.circleci/**',
    'k8s/**', 'kubernetes/**', 'manifests/**', 'deploy/**', 'helm/**', 'charts/**', 'kustomization.y{a,}ml', 'skaffold.y{a,}ml',
  ],
  features: ['features/**', 'feature_repo/**', 'feature_store.y{a,}ml', '*_features.py', 'features.py'],
  config: ['*.y{a,}ml', '*.toml', '*.ini', '*.cfg', '*.conf', '*.json', '.env*', 'config/**', 'conf/**', 'configs/**', 'params.y{a,}ml', 'Makefile'],
  code: [
    '*.{py,pyx,ipynb,ts,tsx,js,jsx,mjs,cjs,go,rs,java,kt,scala,r,R,jl,sql,sh,bash,c,cc,cpp,h,hpp,cs,rb,php,swift,m,lua}',
  ],
  docs: ['*.md', '*.rst', '*.txt', '*.adoc', 'docs/**', 'doc/**', 'LICENSE*', 'NOTICE*', 'CHANGELOG*'],
};

export type Classifier = (path: string, content?: () => string | null) => PathCategory;

/**
 * A classifier from the defaults and the overrides. A YAML file that is a Kubernetes object
 * (`apiVersion:` and `kind:` at the top level) is a manifest wherever it lives; `content` is
 * asked only for YAML files nothing else claimed as dependencies, data or manifests.
 */
export function makeClassifier(overrides: PathGlobs = {}): Classifier {
  const matchers = pathCategories
    .filter((c): c is Exclude<PathCategory, 'other'> => c !== 'other')
    .map((category) => [category, matcher(overrides[category] ?? defaultGlobs[category])] as const);
  return (path, content) => {
    for (const [category, matches] of matchers) {
      if (category === 'features' && /\.ya?ml$/.test(path) && content && isKubernetesObject(content())) return 'manifests';
      if (matches(path)) return category;
    }
    return 'other';
  };
}

export function isKubernetesObject(text: string | null): boolean {
  return text !== null && /^apiVersion:\s*\S+/m.test(text) && /^kind:\s*\S+/m.test(text);
}

export interface ChangedPath {
  path: string;
  /** git's letter: A added, M modified, D deleted, T type changed. */
  status: string;
}

/** Changed paths by category, categories with no change left out. */
export function classifyChanges(changes: readonly ChangedPath[], classify: Classifier, content: (path: string) => string | null): Partial<Record<PathCategory, string[]>> {
  const out: Partial<Record<PathCategory, string[]>> = {};
  for (const change of changes) {
    const category = classify(change.path, () => (change.status === 'D' ? null : content(change.path)));
    (out[category] ??= []).push(change.path);
  }
  return out;
}
