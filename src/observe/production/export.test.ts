import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, freshStore } from '../../../test/dialects.js';
import { PredictionStore } from '../../serving/prediction-store.js';
import { prediction } from '../../serving/testing.js';
import type { Store } from '../../store/database.js';
import { checkDrift } from '../../drift/drift-check.js';
import { exportRequestRows } from './export.js';
import { parseJsonPath } from './rows.js';

describe.each(dialects)('exporting served requests as CSV on %s', (dialect) => {
  let store: Store;
  const t0 = Date.now() - 60_000;

  beforeAll(async () => {
    store = await freshStore(dialect);
    const rows = [
      prediction({ time: t0, requestBody: JSON.stringify({ basket: ['dog-toy'], basket_size: 1, segment: 'dog', note: 'has, a comma' }) }),
      prediction({ time: t0 + 1, requestBody: JSON.stringify({ dataframe_split: { columns: ['basket_size', 'segment'], data: [[3, 'cat'], [2, 'fish']] } }) }),
      prediction({ time: t0 + 2, requestBody: JSON.stringify({ instances: [{ basket_size: 4, segment: 'dog' }] }) }),
      prediction({ time: t0 + 3, requestBody: 'not json' }),
      prediction({ time: t0 + 4, status: 502, error: 'down', requestBody: JSON.stringify({ basket_size: 9, segment: 'x' }) }),
      prediction({ time: t0 + 5, deploymentId: 'prod#2', requestBody: JSON.stringify({ basket_size: 7, segment: 'other' }) }),
    ];
    await new PredictionStore(store).insertBatch(rows);
  });
  afterAll(() => store.close());

  it('writes one CSV row per request row, in every request shape, skipping errors and garbage', async () => {
    let csv = '';
    const counts = await exportRequestRows(store, { deploymentId: 'prod#1', from: t0, to: Date.now(), columns: ['basket_size', 'segment', 'note'] }, (c) => {
      csv += c;
    });
    expect(counts).toEqual({ requests: 5, rows: 4, skipped: 2 });
    expect(csv).toBe('basket_size,segment,note\n1,dog,"has, a comma"\n3,cat,\n2,fish,\n4,dog,\n');
  });

  it('follows a request path and leads with ids when asked; the output is what drift reads', async () => {
    let csv = '';
    await exportRequestRows(store, { deploymentId: 'prod#1', from: t0 + 1, to: t0 + 1, columns: ['basket_size'], requestPath: parseJsonPath('$.dataframe_split'), withIds: true }, (c) => {
      csv += c;
    });
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('prediction_id,time,basket_size');
    expect(lines.slice(1).map((l) => l.split(',')[2])).toEqual(['3', '2']);
    // `predictions export --json`: the same rows as JSON Lines, no header.
    let jsonl = '';
    await exportRequestRows(store, { deploymentId: 'prod#1', from: t0 + 1, to: t0 + 1, columns: ['basket_size'], requestPath: parseJsonPath('$.dataframe_split'), withIds: true, format: 'jsonl' }, (c) => {
      jsonl += c;
    });
    const objects = jsonl.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objects.map((o) => [o.prediction_id, o.time, o.basket_size])).toEqual(lines.slice(1).map((l) => l.split(',')).map(([id, time, n]) => [id, time, Number(n)]));

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-export-'));
    let served = '';
    await exportRequestRows(store, { deploymentId: 'prod#1', from: t0, to: Date.now(), columns: ['basket_size', 'segment'] }, (c) => {
      served += c;
    });
    fs.writeFileSync(path.join(dir, 'served.csv'), served);
    fs.writeFileSync(path.join(dir, 'train.csv'), 'basket_size,segment\n1,dog\n2,cat\n3,dog\n4,fish\n');
    const result = await checkDrift(path.join(dir, 'train.csv'), path.join(dir, 'served.csv'));
    expect(result.columns.map((c) => c.column).sort()).toEqual(['basket_size', 'segment']);
  });

  it('reads across pages without losing or repeating rows that share a time stamp', async () => {
    const base = t0 - 10_000;
    // 4,500 rows over 1,500 distinct times: pages of 2,000 end in the middle of a run of equal times.
    await new PredictionStore(store).insertBatch(Array.from({ length: 4500 }, (_, i) => prediction({ deploymentId: 'paged#1', time: base + Math.floor(i / 3), requestBody: JSON.stringify({ n: i }) })));
    let csv = '';
    const counts = await exportRequestRows(store, { deploymentId: 'paged#1', from: base, to: base + 1500, columns: ['n'], withIds: true }, (c) => {
      csv += c;
    });
    const rows = csv.trim().split('\n').slice(1);
    expect(counts).toEqual({ requests: 4500, rows: 4500, skipped: 0 });
    expect(new Set(rows.map((r) => r.split(',')[0])).size).toBe(4500);
    expect(rows.map((r) => Number(r.split(',')[2])).sort((a, b) => a - b)).toEqual(Array.from({ length: 4500 }, (_, i) => i));
  });
});
