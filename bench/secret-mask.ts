/**
 * Masking the stored copy of `threadline run` output: long lines without a newline (the case that
 * was quadratic: 8.8 s for 80,000 characters, minutes for 1 MiB) and many short lines, against a
 * pass-through Transform measured in the same run.
 *
 *   npx tsx bench/secret-mask.ts
 */
import { PassThrough, type Transform } from 'node:stream';
import { SecretMasker } from '../src/capture/secret-mask.js';
import { printBenchResult } from './result.js';

const env = { API_TOKEN: 'tok-9f8e7d6c5b4a', DB_PASS: 'hunter2-db-pass', GITHUB_PAT: 'pat-value-1234567' };

async function pump(stream: Transform, bytes: Buffer): Promise<number> {
  const start = performance.now();
  stream.resume();
  for (let i = 0; i < bytes.length; i += 65536) stream.write(bytes.subarray(i, i + 65536));
  stream.end();
  await new Promise((resolve) => stream.on('end', resolve));
  return (performance.now() - start) / 1000;
}

const cases: [string, Buffer][] = [
  ['80,000-char line', Buffer.from('a'.repeat(80_000) + '\n')],
  ['1 MiB line', Buffer.from('a'.repeat(1 << 20) + '\n')],
  ['16 MiB line with secrets', Buffer.from(('word '.repeat(200_000) + env.API_TOKEN + ' https://u:p@host/x ').repeat(16) + '\n')],
  ['100,000 short lines', Buffer.from(Array.from({ length: 100_000 }, (_, i) => `step ${i} loss 0.${i} token ${env.DB_PASS}\n`).join(''))],
];

const masker = SecretMasker.fromEnv(env);
const ratios: Record<string, number> = {};
for (const [name, bytes] of cases) {
  const best = (times: number[]) => Math.min(...times);
  const plain: number[] = [];
  const masked: number[] = [];
  for (let round = 0; round < 3; round++) {
    plain.push(await pump(new PassThrough(), bytes));
    masked.push(await pump(masker.stream(), bytes));
  }
  console.log(`${name.padEnd(26)} masked ${best(masked).toFixed(3)} s  pass-through ${best(plain).toFixed(3)} s  ratio ${(best(masked) / best(plain)).toFixed(1)}x  (${(bytes.length / best(masked) / 1e6).toFixed(0)} MB/s)`);
  ratios[`${name}: masked / pass-through`] = best(masked) / best(plain);
}
printBenchResult('secret-mask', ratios);
