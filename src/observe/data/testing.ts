/** Test helpers for the data and features observers: seeded tables and files written "a while ago". */
import fs from 'node:fs';
import path from 'node:path';
import { seededRandom } from '../../../test/random.js';

export function normal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
}

/** Orders: `amount` ~ N(50 + shift, 10), `category` a/b/c; `drop` leaves a column out. */
export function orders(seed: number, { shift = 0, rows = 400, drop }: { shift?: number; rows?: number; drop?: string } = {}): string {
  const rand = seededRandom(seed);
  const columns = ['id', 'amount', 'category'].filter((c) => c !== drop);
  const lines = [columns.join(',')];
  for (let i = 0; i < rows; i++) {
    const row: Record<string, string> = { id: String(i + 1), amount: (50 + shift + 10 * normal(rand)).toFixed(3), category: 'abc'[Math.floor(rand() * 3)]! };
    lines.push(columns.map((c) => row[c]).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Writes a file and moves its mtime into the past, as a writer that finished a while ago. */
export function write(file: string, content: string | Buffer, ageMs = 60_000): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  const t = new Date(Date.now() - ageMs);
  fs.utimesSync(file, t, t);
}
