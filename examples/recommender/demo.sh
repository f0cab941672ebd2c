#!/usr/bin/env bash
# The end-to-end demo on the embedded default (SQLite + local artifacts): train the example
# recommender with `threadline run` in a real git repo, register it with the seed pipeline's tags
# and alias it champion, build its OCI image (pushed when DEMO_REGISTRY=host:port is given),
# deploy it locally, send predictions through the tracing proxy, trace one back to its commit and
# data; then train v2, deploy it, roll back, and trace again. Observers (threadline.yaml) watch
# every stage: each one is shown turning a real change into an event, alerts go to a webhook, and
# the production traffic gets a drift report.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
[ -f "$repo/dist/cli/main.js" ] || (cd "$repo" && npm run --silent build)
threadline() { node "$repo/dist/cli/main.js" "$@"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

work="${DEMO_DIR:-$(mktemp -d -t threadline-demo-XXXXXX)}"
mkdir -p "$work" && cd "$work"
step "a user's project in a git repo: $work"
cp "$repo/examples/recommender/"{train.mjs,features.mjs,send-traffic.mjs} .
mkdir -p data expectations && cp "$repo/examples/recommender/data/orders.csv" data/
cp "$repo/examples/recommender/expectations/orders.yaml" expectations/
printf 'node_modules/\n.threadline/\nmodel/\nfeatures/\nservices/\n*.html\nserved.csv\n' > .gitignore
# Stand-ins for the outside world on loopback: a supplier's catalog (external observer) and an alert webhook.
mkdir -p services && echo '{"version": 1, "products": 28}' > services/catalog.json
node "$repo/examples/recommender/demo-services.mjs" services > services/port &
services_pid=$!
for _ in $(seq 50); do [ -s services/port ] && break; sleep 0.1; done
sed "s/DEMO_SERVICES/$(cat services/port)/" "$repo/examples/recommender/threadline.yaml" > threadline.yaml
mkdir -p node_modules && ln -sfn "$repo" node_modules/threadline   # as if `npm install threadline`
git init -q -b main . && git config user.email demo@example.com && git config user.name "Demo User"
# A remote with credentials in it: Threadline must record it without them.
git remote add origin "https://demo:not-a-real-token@git.example.com/acme/recommender.git" 2>/dev/null || true
threadline hooks install   # post-commit / pre-push: the code observer sees every commit
git add -A && git commit -qm "recommender: first version" && git log --oneline -1

step "features: one row per basket (size, main category, value), kept as the training reference"
threadline run --experiment amazon-recommender-features --input data/orders.csv --output features \
  -- node features.mjs --data data/orders.csv --out features/baskets.csv >/dev/null
cp features/baskets.csv features/baskets.reference.csv

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
trap 'threadline deployments stop prod >/dev/null 2>&1 || true; kill $services_pid 2>/dev/null || true' EXIT
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

step "the observers take their first look at every stage (threadline.yaml): threadline observe --once"
threadline observe --once

step "production traffic: usual baskets, then a new clientele (big aquarium baskets) — the production observer compares served requests with the training features"
url=$(threadline deployments show prod --json | json_field details.url)
node send-traffic.mjs "$url" 150
threadline observe production --once
node send-traffic.mjs "$url" 300 --shift
sleep 0.3   # the prediction log writes in the background
threadline observe production --once

step "new orders arrive with higher prices; features are recomputed"
node "$repo/examples/recommender/generate-orders.mjs" 400 7 1.8 1501 >> data/orders.csv
threadline run --experiment amazon-recommender-features --input data/orders.csv --output features \
  -- node features.mjs --data data/orders.csv --out features/baskets.csv >/dev/null
threadline observe data --once
threadline observe features --once

step "the supplier publishes a new catalog"
echo '{"version": 2, "products": 31}' > services/catalog.json
threadline observe external --once

step "a commit changes the feature code (the post-commit hook runs the code observer)"
sed -i '1a // basket_value includes quantity: price x quantity per line' features.mjs
git commit -qam "features: document basket_value" && git log --oneline -1

step "what the observers saw: one or more events from every stage"
threadline events list --limit 40
for stage in code data features training deployment production external; do
  printf '%-11s %s\n' "$stage" "$(threadline events list --stage "$stage" --limit 1 --json | json_field 0.summary)"
done

step "alerts: warnings and worse went to the on-call webhook"
node -e 'for (const l of require("fs").readFileSync(process.argv[1],"utf8").trim().split("\n")) console.log("  " + JSON.parse(l).title)' services/alerts.jsonl

step "a drift report of production traffic against the training features"
threadline predictions export --deployment prod --columns basket_size,main_category,basket_value --since 1h -o served.csv
threadline drift features/baskets.reference.csv served.csv --report "$work/production-drift.html"

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
echo "the drift report: $work/production-drift.html" >&2
echo "try: cd $work && node $repo/dist/cli/main.js trace $prediction --format mermaid" >&2
