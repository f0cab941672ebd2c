import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openThreadline } from '../src/context.js';
import { startTestApi } from './api-server.js';
import { runCli } from './cli.js';
import { dialects, freshDatabaseUrl } from './dialects.js';

const commit = '3f9d2c1' + 'a'.repeat(33);
const seededTags = { 'mlflow.source.git.commit': commit, 'mlflow.source.git.repoURL': 'https://github.com/acme/reco.git', DBR_JOB_ID: '42', DBR_RUN_ID: '777' };

describe.each(dialects)('threadline mlflow backfill on %s', (dialect) => {
  it('gives stored MLflow runs their code and job ids, once; the same through the server', { timeout: 120_000 }, async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-backfill-'));
    const env = { THREADLINE_DB_URL: await freshDatabaseUrl(dialect), THREADLINE_HOME: home, THREADLINE_URL: '', THREADLINE_ARTIFACTS: '' };
    // Runs as an older server stored them: the tags, nothing made of them.
    const tl = await openThreadline({ databaseUrl: env.THREADLINE_DB_URL, artifactsUrl: path.join(home, 'artifacts'), s3: { region: 'us-east-1', forcePathStyle: true } });
    const { runId } = await tl.runs.create({ tags: seededTags });
    await tl.close();

    const cli = (...args: string[]) => runCli(args, { cwd: home, env });
    const first = await cli('mlflow', 'backfill', '--json');
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ runs: 1, changedRuns: 1, code: 1, externalIds: 2, data: 0, environment: 0 });
    const again = await cli('mlflow', 'backfill');
    expect([again.code, again.stdout]).toEqual([0, '1 runs looked at, 0 changed: 0 code links, 0 data inputs, 0 environments, 0 external id tags\n']);
    const shown = JSON.parse((await cli('runs', 'show', runId, '--json')).stdout);
    expect(shown.code).toMatchObject({ commitSha: commit, remoteUrl: 'https://github.com/acme/reco.git' });
    expect(shown.tags).toMatchObject({ 'threadline.databricks.job_id': '42', 'threadline.databricks.run_id': '777' });

    const api = await startTestApi(dialect, async (served) => void (await served.runs.create({ experimentId: '0', tags: seededTags })));
    try {
      expect(await api.client.backfillMlflow({ experimentIds: ['0'] })).toMatchObject({ runs: 1, changedRuns: 1, code: 1 });
      expect(await api.client.backfillMlflow()).toMatchObject({ runs: 1, changedRuns: 0 });
      const refused = await fetch(`${api.url}/api/mlflow/backfill`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"experimentIds": 3}' });
      expect(refused.status).toBe(400);
    } finally {
      await api.close();
    }
  });
});
