/**
 * Runs every benchmark in bench/ (or those named), one after another, then prints one table of the
 * ratios each reported on its last `BENCH_RESULT {json}` line (bench/result.ts).
 *
 *   npm run bench                    # all of them (several take minutes)
 *   npm run bench -- startup digest  # a subset, by file name without .ts
 *
 * A benchmark's own arguments are its defaults here; run one alone (`npx tsx bench/NAME.ts …`) to pass others.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
// Another folder of benchmarks, for the test of this runner.
const benchDir = process.env.THREADLINE_BENCH_DIR ?? here;
const notBenchmarks = new Set(['run.ts', 'result.ts']);
const all = fs.readdirSync(benchDir).filter((f) => f.endsWith('.ts') && !notBenchmarks.has(f)).map((f) => f.slice(0, -3)).sort();

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !all.includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; there are: ${all.join(', ')}`);
  process.exit(2);
}
const chosen = asked.length > 0 ? asked : all;

interface Outcome {
  bench: string;
  ratios: Record<string, number>;
  status: string;
}

/** Runs one benchmark with its output passed through, and picks up its BENCH_RESULT line. */
function runOne(name: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const tsx = path.join(here, '../node_modules/tsx/dist/cli.mjs');
    const child = spawn(process.execPath, [tsx, path.join(benchDir, `${name}.ts`)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let ratios: Record<string, number> = {};
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop()!;
      for (const line of lines) if (line.startsWith('BENCH_RESULT ')) ratios = (JSON.parse(line.slice('BENCH_RESULT '.length)) as Outcome).ratios;
    });
    child.once('close', (code, signal) => resolve({ bench: name, ratios, status: code === 0 ? 'ok' : signal ? `killed (${signal})` : `exit ${code}` }));
  });
}

const outcomes: Outcome[] = [];
for (const name of chosen) {
  console.log(`\n=== ${name}`);
  outcomes.push(await runOne(name));
}

const rows = [['BENCH', 'RATIO', 'VALUE', 'STATUS']];
for (const o of outcomes) {
  const entries = Object.entries(o.ratios);
  if (entries.length === 0) rows.push([o.bench, '(no BENCH_RESULT line)', '-', o.status]);
  for (const [label, value] of entries) rows.push([o.bench, label, value.toFixed(2), o.status]);
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
console.log('\nsummary (each ratio is named as its benchmark explains it)');
for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
process.exitCode = outcomes.every((o) => o.status === 'ok') ? 0 : 1;
