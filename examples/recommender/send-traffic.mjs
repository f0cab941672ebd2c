// Sends the demo's production traffic: baskets drawn from the order file (as customers shopped
// when the model was trained), or with --shift a changed clientele (aquarium buyers with big,
// expensive baskets). Each request carries the basket and its features.
// Usage: node send-traffic.mjs URL COUNT [--shift] [--data data/orders.csv]
import fs from 'node:fs';
import { parseArgs } from 'node:util';

const { values: args, positionals } = parseArgs({ allowPositionals: true, options: { shift: { type: 'boolean', default: false }, data: { type: 'string', default: 'data/orders.csv' } } });
const [url, count = '200'] = positionals;
let seed = args.shift ? 99 : 7;
const random = () => ((seed = (seed * 1664525 + 1013904223) % 4294967296) / 4294967296);

const [header, ...rows] = fs.readFileSync(args.data, 'utf8').trim().split('\n');
const col = Object.fromEntries(header.split(',').map((name, i) => [name, i]));
const orders = new Map();
for (const row of rows) {
  const f = row.split(',');
  const order = orders.get(f[col.order_id]) ?? { items: [], value: 0, categories: new Map() };
  order.items.push(f[col.product_id]);
  order.value += Number(f[col.quantity]) * Number(f[col.unit_price]);
  order.categories.set(f[col.category], (order.categories.get(f[col.category]) ?? 0) + 1);
  orders.set(f[col.order_id], order);
}
const baskets = [...orders.values()];
const fish = ['fish-flakes', 'fish-tank-filter', 'fish-plant', 'fish-net'];

function request() {
  if (!args.shift) {
    const o = baskets[Math.floor(random() * baskets.length)];
    const main = [...o.categories].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0][0];
    return { basket: o.items, basket_size: o.items.length, main_category: main, basket_value: Number(o.value.toFixed(2)) };
  }
  const size = 5 + Math.floor(random() * 4);
  const items = Array.from({ length: size }, () => fish[Math.floor(random() * fish.length)]);
  return { basket: items, basket_size: size, main_category: 'fish', basket_value: Number((150 + random() * 250).toFixed(2)) };
}

let ok = 0;
const statuses = {};
for (let i = 0; i < Number(count); i += 10) {
  const batch = Array.from({ length: Math.min(10, Number(count) - i) }, () =>
    fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request()) }).then(async (r) => {
      await r.text();
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      if (r.ok && r.headers.get('x-threadline-prediction-id')) ok++;
    }),
  );
  await Promise.all(batch);
}
console.log(`${count} ${args.shift ? 'shifted' : 'usual'} baskets sent: ${ok} answered with a prediction id (${Object.entries(statuses).map(([s, n]) => `${n}× ${s}`).join(', ')})`);
