#!/usr/bin/env bash
# The end-to-end demo on the embedded default (SQLite + local artifacts). It grows as Threadline
# does; today: train the example recommender as recorded runs in a real git repo, register the
# models with the seed pipeline's tags, move the `champion` alias, and show the record.
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

step "an uncommitted change (k=10) is recorded as a patch"
sed -i 's/k: { type: .string., default: .5. }/k: { type: '"'"'string'"'"', default: '"'"'10'"'"' }/' train.mjs
run2=$(threadline run --experiment amazon-recommender --name amazon-recommender-k10 \
  --input data/orders.csv --output model -- node train.mjs --data data/orders.csv --out model/model.json)
threadline runs show "$run2"
git checkout -q train.mjs
threadline models register amazon-recommender --run "$run2" --artifact model --tag "GIT_SHA=$sha" --tag DBR_RUN_ID=778
threadline models alias amazon-recommender champion 2

step "find the version trained by Databricks run 777, as the seed's CD pipeline does"
threadline models search "name='amazon-recommender' and tag.DBR_RUN_ID = '777'"

step "every move of the champion alias: who, when, from which version to which"
threadline models history amazon-recommender

step "all runs"
threadline runs list --experiment amazon-recommender
echo
echo "state is in $work/.threadline (SQLite + artifacts); try: cd $work && node $repo/dist/cli/main.js runs show $run1 --json" >&2
