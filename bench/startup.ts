/**
 * CLI start-up against bare Node's, measured in the same run:
 *
 *   npm run build && npx tsx bench/startup.ts [rounds=15]
 *
 * Times `node dist/cli/main.js --version`, `--help` and `runs list` (embedded SQLite store holding
 * 1,000 runs) against `node -e 0`, interleaved round by round so that load on a shared machine
 * hits each alike; prints medians and the ratio of each to `node -e 0` (target ≤ 3).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openThreadline } from '../src/context.js';
import { printBenchResult } from './result.js';

const rounds = Number(process.argv[2] ?? 15);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const main = path.join(root, 'dist/cli/main.js');
if (!fs.existsSync(main)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-bench-startup-'));
const env = { ...process.env, THREADLINE_HOME: home, THREADLINE_URL: '', THREADLINE_DB_URL: '', THREADLINE_ARTIFACTS: '' };
const tl = await openThreadline({ databaseUrl: path.join(home, 'threadline.db'), artifactsUrl: path.join(home, 'artifacts'), s3: { region: 'us-east-1', forcePathStyle: true } });
for (let i = 0; i < 1000; i++) await tl.runs.create({ experimentId: '0', startTime: Date.now() - i * 1000, tags: {} });
await tl.close();

const cases: [label: string, args: string[]][] = [
  ['node -e 0', ['-e', '0']],
  ['--version', [main, '--version']],
  ['--help', [main, '--help']],
  ['runs list', [main, 'runs', 'list']],
];

function once(args: string[]): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { env, cwd: home, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = performance.now() - start;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

const times = new Map(cases.map(([label]) => [label, [] as number[]]));
for (const [, args] of cases) once(args); // warm the page cache
for (let round = 0; round < rounds; round++) for (const [label, args] of cases) times.get(label)!.push(once(args));
fs.rmSync(home, { recursive: true, force: true });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const baseline = median(times.get('node -e 0')!);
console.log(`CLI start-up, median of ${rounds} interleaved rounds (load average ${os.loadavg()[0]!.toFixed(2)} on ${os.cpus().length} cpus)`);
const ratios: Record<string, number> = {};
for (const [label] of cases) {
  const m = median(times.get(label)!);
  const ratio = m / baseline;
  if (label !== 'node -e 0') ratios[`${label} / node -e 0`] = ratio;
  console.log(`  ${label.padEnd(12)} ${m.toFixed(0).padStart(6)} ms   ${label === 'node -e 0' ? 'baseline' : `${ratio.toFixed(2)}× node (target ≤ 3)`}`);
}
printBenchResult('startup', ratios);
