// The demo's feature step: one row per order (basket_size, main_category, basket_value), the
// features the serving requests carry too, so production traffic can be compared with them.
// Usage: node features.mjs --data data/orders.csv --out features/baskets.csv
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({ options: { data: { type: 'string', default: 'data/orders.csv' }, out: { type: 'string', default: 'features/baskets.csv' } } });
const [header, ...rows] = fs.readFileSync(args.data, 'utf8').trim().split('\n');
const col = Object.fromEntries(header.split(',').map((name, i) => [name, i]));
const orders = new Map();
for (const row of rows) {
  const f = row.split(',');
  const order = orders.get(f[col.order_id]) ?? { size: 0, value: 0, categories: new Map() };
  order.size += 1;
  order.value += Number(f[col.quantity]) * Number(f[col.unit_price]);
  order.categories.set(f[col.category], (order.categories.get(f[col.category]) ?? 0) + 1);
  orders.set(f[col.order_id], order);
}
const lines = ['basket_size,main_category,basket_value'];
for (const order of orders.values()) {
  const main = [...order.categories].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0][0];
  lines.push(`${order.size},${main},${order.value.toFixed(2)}`);
}
fs.mkdirSync(path.dirname(args.out), { recursive: true });
fs.writeFileSync(args.out, lines.join('\n') + '\n');
console.log(`${orders.size} baskets → ${args.out}`);
