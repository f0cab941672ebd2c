import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freshDatabaseUrl } from '../../test/dialects.js';
import { repoRoot } from '../../test/cli.js';
import { openThreadline } from '../context.js';

const rounds = 60;

// One writer: batches whose transaction reads (the param check) before it writes, the pattern that
// failed with SQLITE_BUSY at once when another process held the write lock.
const writer = (databaseUrl: string, tag: string) => `
import { openThreadline } from ${JSON.stringify(pathToFileURL(path.join(repoRoot, 'src/context.ts')).href)};
const tl = await openThreadline({ databaseUrl: ${JSON.stringify(databaseUrl)}, artifactsUrl: ${JSON.stringify(path.join(path.dirname(databaseUrl), 'artifacts'))}, s3: { region: 'us-east-1', forcePathStyle: true } });
let errors = 0;
const run = await tl.runs.create({ name: ${JSON.stringify(tag)} });
for (let i = 0; i < ${rounds}; i++) {
  try {
    await tl.runs.logBatch(run.runId, { params: [{ key: 'p' + i, value: String(i) }], metrics: [{ key: 'm', value: i, timestamp: Date.now(), step: i }] });
  } catch (error) {
    errors++;
    console.error(String(error));
  }
}
await tl.close();
console.log(JSON.stringify({ errors }));
`;

function runWriter(databaseUrl: string, tag: string): Promise<{ errors: number; stderr: string }> {
  const loader = pathToFileURL(path.join(repoRoot, 'node_modules/tsx/dist/loader.mjs')).href;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', loader, '--input-type=module', '-e', writer(databaseUrl, tag)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.once('error', reject);
    child.once('close', () => {
      try {
        resolve({ ...JSON.parse(stdout.trim().split('\n').pop()!), stderr });
      } catch {
        reject(new Error(`writer ${tag} failed: ${stderr}`));
      }
    });
  });
}

describe('SQLite with writers in several processes', () => {
  it('queues their write transactions: zero SQLITE_BUSY', async () => {
    const databaseUrl = await freshDatabaseUrl('sqlite');
    const tl = await openThreadline({ databaseUrl, artifactsUrl: path.join(path.dirname(databaseUrl), 'artifacts'), s3: { region: 'us-east-1', forcePathStyle: true } });
    await tl.close();
    const results = await Promise.all(['a', 'b', 'c'].map((tag) => runWriter(databaseUrl, tag)));
    expect(results.map((r) => r.stderr).join('')).not.toMatch(/SQLITE_BUSY|database is locked/);
    expect(results.map((r) => r.errors)).toEqual([0, 0, 0]);
    const check = await openThreadline({ databaseUrl, artifactsUrl: path.join(path.dirname(databaseUrl), 'artifacts'), s3: { region: 'us-east-1', forcePathStyle: true } });
    try {
      const runs = await check.runs.list();
      expect(runs).toHaveLength(3);
      for (const run of runs) expect(Object.keys((await check.runs.get(run.runId)).params)).toHaveLength(rounds);
    } finally {
      await check.close();
    }
  }, 120_000);
});
