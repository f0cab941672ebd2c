// Writes data/orders.csv: a small, deterministic grocery web-shop order history (the demo's data).
// Usage: node generate-orders.mjs [orders] [seed] [price scale] [first order number] > data/orders.csv
// (a first order number above 1 writes rows without the header, to append a later period)
const orders = Number(process.argv[2] ?? 1500);
let seed = Number(process.argv[3] ?? 42);
const priceScale = Number(process.argv[4] ?? 1);
const firstOrder = Number(process.argv[5] ?? 1);
const random = () => ((seed = (seed * 1664525 + 1013904223) % 4294967296) / 4294967296);
const pick = (items) => items[Math.floor(random() * items.length)];

const catalog = {
  dog: ['dog-food-chicken', 'dog-food-lamb', 'dog-toy-rope', 'dog-toy-ball', 'dog-leash', 'dog-treats', 'dog-shampoo', 'dog-bed'],
  cat: ['cat-food-salmon', 'cat-food-tuna', 'cat-toy-mouse', 'cat-litter', 'cat-scratcher', 'cat-treats', 'cat-brush', 'cat-bed'],
  fish: ['fish-flakes', 'fish-tank-filter', 'fish-plant', 'fish-net'],
  home: ['paper-towels', 'dish-soap', 'sponges', 'trash-bags', 'light-bulbs', 'batteries'],
};
const categories = Object.keys(catalog);
const customers = Array.from({ length: 300 }, (_, i) => ({ id: `c${String(i + 1).padStart(4, '0')}`, pet: pick(['dog', 'dog', 'cat', 'cat', 'fish']) }));

const lines = firstOrder > 1 ? [] : ['order_id,customer_id,order_date,product_id,category,quantity,unit_price'];
const start = Date.UTC(2026, 8, 1);
for (let o = firstOrder; o < firstOrder + orders; o++) {
  const customer = pick(customers);
  // The first period spans 80 days; an appended one the 20 days after it.
  const offset = firstOrder > 1 ? 80 + ((o - firstOrder + 1) / orders) * 20 : (o / orders) * 80;
  const date = new Date(start + Math.floor(offset * 86400000)).toISOString().slice(0, 10);
  const size = 2 + Math.floor(random() * 4);
  const basket = new Set();
  while (basket.size < size) {
    const category = random() < 0.7 ? customer.pet : pick(categories);
    basket.add(`${category}|${pick(catalog[category])}`);
  }
  for (const item of basket) {
    const [category, product] = item.split('|');
    lines.push([`o${String(o).padStart(5, '0')}`, customer.id, date, product, category, 1 + Math.floor(random() * 3), ((2 + random() * 30) * priceScale).toFixed(2)].join(','));
  }
}
process.stdout.write(lines.join('\n') + '\n');
