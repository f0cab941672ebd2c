#!/usr/bin/env bash
# The end-to-end demo on the embedded default (SQLite + local artifacts): train the example
# recommender with `threadline run` in a real git repo, register it with the seed pipeline's tags
# and alias it champion, build its OCI image (pushed when DEMO_REGISTRY=host:port is given),
# deploy it locally, send predictions through the tracing proxy, trace one back to its commit and
# data; then train v2, deploy it, roll back, and trace again.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
[ -f "$repo/dist/cli/main.js" ] || (cd "$repo" && npm run --silent build)
threadline() { node "$repo/dist/cli/main.js" "$@"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

work="${DEMO_DIR:-$(mktemp -d -t threadline-demo-XXXXXX)}"
mkdir -p "$work" && cd "$work"
step "a user's project in a git repo: $work"
cp "$repo/examples/recommender/train.mjs" .
mkdir -p data && cp "$repo/examples/recommender/data/orders.csv" data/
printf 'node_modules/\n.threadline/\nmodel/\n' > .gitignore
mkdir -p node_modules && ln -sfn "$repo" node_modules/threadline   # as if `npm install threadline`
git init -q -b main . && git config user.email demo@example.com && git config user.name "Demo User"
# A remote with credentials in it: Threadline must record it without them.
git remote add origin "https://demo:not-a-real-token@git.example.com/acme/recommender.git" 2>/dev/null || true
git add -A && git commit -qm "recommender: first version" && git log --oneline -1

step "train, recorded: threadline run -- node train.mjs (seed-style --job_id/--run_id)"
run1=$(threadline run --experiment amazon-recommender --name amazon-recommender \
  --input data/orders.csv --output model --param k=5 \
  -- node train.mjs --data data/orders.csv --out model/model.json --k 5 --job_id 42 --run_id 777)

step "what run $run1 ran on"
threadline runs show "$run1"

step "register it as the seed pipeline does (tags GIT_SHA, DBR_JOB_ID, DBR_RUN_ID) and alias it champion"
sha=$(git rev-parse HEAD)
threadline models register amazon-recommender --run "$run1" --artifact model \
  --tag "GIT_SHA=$sha" --tag DBR_JOB_ID=42 --tag DBR_RUN_ID=777
threadline models alias amazon-recommender champion 1
threadline models show amazon-recommender@champion

step "build the image of champion: an OCI image without Docker, tag run-<run id> as in the seed"
push=(); [ -n "${DEMO_REGISTRY:-}" ] && push=(--push --insecure-registry)
threadline image build amazon-recommender@champion --repository "${DEMO_REGISTRY:-registry.local}/amazon-recommender" "${push[@]}"

step "deploy it to prod on this machine (threadline serve, tracing proxy built in)"
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
trap 'threadline deployments stop prod >/dev/null 2>&1 || true' EXIT
threadline deploy amazon-recommender@champion --env prod --target local --port "$port"

json_field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(process.argv[1].split(".").reduce((o,k)=>o[k],JSON.parse(s))))' "$1"; }
predict() { # POST a basket to what prod runs now; every answer carries prediction_id, run_id, git_sha
  url=$(threadline deployments show prod --json | json_field details.url)
  node -e 'fetch(process.argv[1],{method:"POST",headers:{"content-type":"application/json"},body:process.argv[2]}).then(r=>r.text()).then(t=>console.log(t))' \
    "$url/predict" "$1"
}
step "a customer who bought dog toys: what do we recommend, and who answered?"
answer=$(predict '{"basket": ["dog-toy-rope"]}'); echo "$answer"
predict '{"basket": ["cat-food-tuna", "cat-litter"]}'
predict '{"basket": ["fish-flakes"]}'
sleep 0.3   # the prediction log writes in the background
prediction=$(echo "$answer" | json_field prediction_id)

step "trace that prediction: deployment, image, model, run, commit, data, environment"
threadline trace "$prediction"

step "an uncommitted change (k=10) is recorded as a patch"
sed -i 's/k: { type: .string., default: .5. }/k: { type: '"'"'string'"'"', default: '"'"'10'"'"' }/' train.mjs
run2=$(threadline run --experiment amazon-recommender --name amazon-recommender-k10 \
  --input data/orders.csv --output model -- node train.mjs --data data/orders.csv --out model/model.json)
threadline runs show "$run2"
git checkout -q train.mjs
threadline models register amazon-recommender --run "$run2" --artifact model --tag "GIT_SHA=$sha" --tag DBR_RUN_ID=778
threadline models alias amazon-recommender champion 2
threadline image build amazon-recommender@champion --repository "${DEMO_REGISTRY:-registry.local}/amazon-recommender" "${push[@]}"

step "deploy v2, then roll back to what ran before (as the seed's rollback pipeline does)"
threadline deploy amazon-recommender@champion --env prod --target local --port "$port"
predict '{"basket": ["dog-toy-rope"]}' >/dev/null
threadline rollback --env prod
threadline deployments list prod
answer=$(predict '{"basket": ["dog-toy-rope"]}'); echo "$answer"
sleep 0.3
prediction=$(echo "$answer" | json_field prediction_id)

step "find the version trained by Databricks run 777, as the seed's CD pipeline does"
threadline models search "name='amazon-recommender' and tag.DBR_RUN_ID = '777'"

step "every move of the champion alias: who, when, from which version to which"
threadline models history amazon-recommender

step "all runs"
threadline runs list --experiment amazon-recommender

step "impact: which deployments and how many predictions came from the first training data?"
threadline trace "$(threadline runs show "$run1" --json | json_field io.0.ref)" --downstream

step "after the rollback, a prediction traces back to the first run and its clean commit"
threadline trace "$prediction"

echo >&2
echo "state is in $work/.threadline (SQLite + artifacts + the OCI layouts); prod keeps running until this script exits." >&2
echo "try: cd $work && node $repo/dist/cli/main.js trace $prediction --format mermaid" >&2
