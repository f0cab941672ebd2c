import YAML from 'yaml';
import { shellQuote as q, type CiOptions } from './options.js';

/**
 * The store the workflows share: PostgreSQL and an S3 bucket, from repository secrets, so that
 * `deploy` and `rollback` see the deployments earlier workflow runs recorded.
 */
const storeEnv = {
  THREADLINE_DB_URL: '${{ secrets.THREADLINE_DB_URL }}',
  THREADLINE_ARTIFACTS: '${{ secrets.THREADLINE_ARTIFACTS }}',
  THREADLINE_ACTOR: '${{ github.actor }}',
};

const setup = [
  { uses: 'actions/checkout@v4' },
  { uses: 'actions/setup-node@v4', with: { 'node-version': 20 } },
  { name: 'Install threadline', run: 'npm i -g threadline' },
  {
    name: 'Kubeconfig',
    env: { KUBE_CONFIG: '${{ secrets.KUBE_CONFIG }}' },
    run: 'printf \'%s\' "$KUBE_CONFIG" > "$RUNNER_TEMP/kubeconfig"\necho "KUBECONFIG=$RUNNER_TEMP/kubeconfig" >> "$GITHUB_ENV"',
  },
];

/** On push to main: train under `threadline run`, register and alias, build and push, deploy. */
export function githubTrainDeploy(o: CiOptions): string {
  const model = q(o.model);
  return YAML.stringify({
    name: 'threadline train and deploy',
    on: { push: { branches: ['main'] } },
    permissions: { contents: 'read' },
    env: storeEnv,
    jobs: {
      'train-deploy': {
        'runs-on': 'ubuntu-latest',
        steps: [
          ...setup,
          // The seed: export GIT_SHA so training code and every record carry the commit.
          { name: 'Setup env vars', run: 'echo "GIT_SHA=${{ github.sha }}" >> "$GITHUB_ENV"' },
          { name: 'Train', run: `RUN_ID=$(threadline run --experiment ${q(o.experiment)} --output ${q(o.artifact)} -- ${o.train})\necho "RUN_ID=$RUN_ID" >> "$GITHUB_ENV"` },
          {
            name: 'Register the model',
            run: `VERSION=$(threadline models register ${model} --run "$RUN_ID" --artifact ${q(o.artifact)} --tag GIT_SHA="$GIT_SHA")\nthreadline models alias ${model} champion "\${VERSION##*/}"`,
          },
          {
            name: 'Registry login',
            env: { REGISTRY_USER: '${{ secrets.REGISTRY_USER }}', REGISTRY_PASSWORD: '${{ secrets.REGISTRY_PASSWORD }}' },
            // `image build --push` reads the credentials docker login stores (never the store).
            run: `printf '%s' "$REGISTRY_PASSWORD" | docker login ${q(o.registry.split('/')[0]!)} -u "$REGISTRY_USER" --password-stdin`,
          },
          { name: 'Build and push the image', run: `threadline image build ${model}@champion --repository ${q(`${o.registry}/${o.model}`)} --push` },
          { name: 'Deploy', run: `threadline deploy ${model}@champion --env ${q(o.environment)} --target kubernetes` },
        ],
      },
    },
  }, { lineWidth: 0 });
}

/** Manual rollback, as in the seed: a run id re-deploys that run's image; none, the previous one. */
export function githubRollback(o: CiOptions): string {
  return YAML.stringify({
    name: 'threadline rollback',
    on: {
      workflow_dispatch: {
        inputs: { run_id: { description: 'training run whose image to re-deploy (empty: the previous deployment)', required: false, type: 'string', default: '' } },
      },
    },
    permissions: { contents: 'read' },
    env: storeEnv,
    jobs: {
      rollback: {
        'runs-on': 'ubuntu-latest',
        steps: [
          ...setup,
          // The input goes through env, not ${{ }} in the script: no shell injection from the form.
          { name: 'Roll back', env: { RUN_ID: '${{ inputs.run_id }}' }, run: `threadline rollback --env ${q(o.environment)} \${RUN_ID:+--run "$RUN_ID"}` },
        ],
      },
    },
  }, { lineWidth: 0 });
}
