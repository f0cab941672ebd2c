import YAML from 'yaml';
import { shellQuote as q, type CiOptions } from './options.js';

/** Train, build, deploy on the default branch; a manual rollback job with a RUN_ID variable. */
export function gitlabPipeline(o: CiOptions): string {
  const model = q(o.model);
  const onMain = { if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_PIPELINE_SOURCE == "push"' };
  const kubeconfig = 'export KUBECONFIG="$KUBE_CONFIG"';
  return YAML.stringify({
    stages: ['train', 'build', 'deploy', 'rollback'],
    // THREADLINE_DB_URL, THREADLINE_ARTIFACTS and KUBE_CONFIG (a file variable) come from CI/CD settings.
    variables: {
      GIT_SHA: '$CI_COMMIT_SHA',
      THREADLINE_ACTOR: '$GITLAB_USER_LOGIN',
      RUN_ID: { value: '', description: 'rollback: training run whose image to re-deploy (empty: the previous deployment)' },
    },
    default: { image: 'node:20', before_script: ['npm i -g threadline'] },
    train: {
      stage: 'train',
      rules: [onMain],
      script: [
        `RUN_ID=$(threadline run --experiment ${q(o.experiment)} --output ${q(o.artifact)} -- ${o.train})`,
        `VERSION=$(threadline models register ${model} --run "$RUN_ID" --artifact ${q(o.artifact)} --tag GIT_SHA="$GIT_SHA")`,
        `threadline models alias ${model} champion "\${VERSION##*/}"`,
        'echo "RUN_ID=$RUN_ID" > train.env',
      ],
      artifacts: { reports: { dotenv: 'train.env' } },
    },
    build: {
      stage: 'build',
      rules: [onMain],
      needs: ['train'],
      script: [`threadline image build ${model}@champion --repository ${q(`${o.registry}/${o.model}`)} --push`],
    },
    deploy: {
      stage: 'deploy',
      rules: [onMain],
      needs: ['build'],
      script: [kubeconfig, `threadline deploy ${model}@champion --env ${q(o.environment)} --target kubernetes`],
    },
    rollback: {
      stage: 'rollback',
      rules: [{ if: '$CI_PIPELINE_SOURCE == "web"', when: 'manual' }],
      script: [kubeconfig, `threadline rollback --env ${q(o.environment)} \${RUN_ID:+--run "$RUN_ID"}`],
    },
  }, { lineWidth: 0 });
}
