// The demo's model: an item-to-item recommender ("customers who bought X also bought Y") trained
// on an order file. It reads the Databricks-style --job_id/--run_id arguments of the seed pipeline,
// logs its params and metrics to Threadline when run under `threadline run`, and writes model.json
// and predict.mjs (what `threadline serve` loads) beside it.
//
// Usage: node train.mjs --data data/orders.csv --out model/model.json [--k 5] [--min-support 2]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: 'data/orders.csv' },
    out: { type: 'string', default: 'model/model.json' },
    k: { type: 'string', default: '5' },
    'min-support': { type: 'string', default: '2' },
    job_id: { type: 'string' },
    run_id: { type: 'string' },
  },
});
const k = Number(args.k);
const minSupport = Number(args['min-support']);

// orders: order_id -> {customer, date, items}
const [header, ...rows] = fs.readFileSync(args.data, 'utf8').trim().split('\n');
const col = Object.fromEntries(header.split(',').map((name, i) => [name, i]));
const orders = new Map();
for (const row of rows) {
  const f = row.split(',');
  const order = orders.get(f[col.order_id]) ?? { customer: f[col.customer_id], date: f[col.order_date], items: [] };
  order.items.push(f[col.product_id]);
  orders.set(f[col.order_id], order);
}

// Hold out each customer's last order: train on the rest, then ask for that basket's items.
const byCustomer = new Map();
for (const [id, order] of orders) byCustomer.set(order.customer, [...(byCustomer.get(order.customer) ?? []), { id, ...order }]);
const train = [];
const holdout = [];
for (const history of byCustomer.values()) {
  history.sort((a, b) => a.date.localeCompare(b.date) || a.id.localeCompare(b.id));
  if (history.length > 1) holdout.push(history.pop());
  train.push(...history);
}

const cooccur = new Map();
const popularity = new Map();
for (const order of train) {
  for (const a of order.items) {
    popularity.set(a, (popularity.get(a) ?? 0) + 1);
    for (const b of order.items) {
      if (a === b) continue;
      const row = cooccur.get(a) ?? new Map();
      row.set(b, (row.get(b) ?? 0) + 1);
      cooccur.set(a, row);
    }
  }
}
const model = { type: 'item-cooccurrence', k, minSupport, trainedOn: path.basename(args.data), neighbours: {}, popular: [] };
for (const [item, row] of cooccur) {
  model.neighbours[item] = [...row].filter(([, n]) => n >= minSupport).sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0])).slice(0, 20).map(([b, n]) => [b, n]);
}
model.popular = [...popularity].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0])).slice(0, 20).map(([item]) => item);

export function recommend(m, basket, n = m.k) {
  const scores = new Map();
  for (const item of basket) for (const [other, count] of m.neighbours[item] ?? []) if (!basket.includes(other)) scores.set(other, (scores.get(other) ?? 0) + count);
  const ranked = [...scores].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0])).map(([item]) => item);
  for (const item of m.popular) if (ranked.length < n && !ranked.includes(item) && !basket.includes(item)) ranked.push(item);
  return ranked.slice(0, n);
}

// Evaluate: show the first item of the held-out basket, score the rest against the top k.
let hits = 0;
let relevant = 0;
let recommended = 0;
let hitOrders = 0;
for (const order of holdout) {
  const [seedItem, ...rest] = order.items;
  if (rest.length === 0) continue;
  const top = recommend(model, [seedItem], k);
  const found = top.filter((item) => rest.includes(item)).length;
  hits += found;
  relevant += rest.length;
  recommended += top.length;
  if (found > 0) hitOrders++;
}
const metrics = {
  precision_at_k: hits / recommended,
  recall_at_k: hits / relevant,
  hit_rate: hitOrders / holdout.length,
  train_orders: train.length,
  holdout_orders: holdout.length,
  catalog_size: popularity.size,
};

fs.mkdirSync(path.dirname(args.out), { recursive: true });
fs.writeFileSync(args.out, JSON.stringify(model, null, 1) + '\n');
// Beside it, the module `threadline serve` loads: {"basket": [...]} -> {recommended_items: [...]}.
fs.writeFileSync(
  path.join(path.dirname(args.out), 'predict.mjs'),
  `import fs from 'node:fs';
import path from 'node:path';

export const load = (dir) => JSON.parse(fs.readFileSync(path.join(dir, ${JSON.stringify(path.basename(args.out))}), 'utf8'));
export const predict = (input, { state }) => ({ recommended_items: recommend(state, Array.isArray(input?.basket) ? input.basket.map(String) : []) });

${recommend.toString()}
`,
);
console.log(`trained on ${train.length} orders, ${popularity.size} products; evaluated on ${holdout.length} held-out orders`);
for (const [key, value] of Object.entries(metrics)) console.log(`  ${key.padEnd(16)} ${Number.isInteger(value) ? value : value.toFixed(4)}`);

// Under `threadline run` the run id and API are in the environment: log to the same run.
if (process.env.THREADLINE_URL && process.env.THREADLINE_RUN_ID) {
  const { ThreadlineClient } = await import('threadline/sdk');
  const client = new ThreadlineClient(process.env.THREADLINE_URL);
  const runId = process.env.THREADLINE_RUN_ID;
  await client.logParams(runId, { k, min_support: minSupport, data: args.data });
  const now = Date.now();
  await client.logBatch(runId, { metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: now, step: 0 })) });
  await client.setTags(runId, { GIT_SHA: process.env.GIT_SHA ?? 'unknown', ...(args.job_id && { DBR_JOB_ID: args.job_id }), ...(args.run_id && { DBR_RUN_ID: args.run_id }) });
  await client.close();
  console.log(`logged params and metrics to run ${runId}`);
}
