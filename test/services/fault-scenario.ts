import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ThreadlineClient } from '../../src/sdk/client.js';
import { startCli, type LongRunning } from '../serve.js';
import { startPostgres } from './postgres.js';
import { s3rverCredentials, startS3 } from './s3.js';

export interface FaultScenarioOptions {
  writers?: number;
  /** Load before the first fault, between faults, and after the last. */
  phaseMs?: number;
  /** Restart PostgreSQL and kill a replica during the load; false measures a baseline. */
  faults?: boolean;
}

export interface FaultReport {
  acknowledged: number;
  /** Acknowledged writes missing from the store afterwards. */
  lost: number;
  /** Calls that failed for good (after the client's retries): not acknowledged, so not lost. */
  failed: number;
  /** Replicas that exited, other than the one killed on purpose. */
  crashed: string[];
  /** The longest any one acknowledged write took (retries included). */
  longestWriteMs: number;
  /** How long `pg_ctl restart -m fast` took. */
  restartMs: number;
  /** From PostgreSQL's return to the moment every writer had a write acknowledged again. */
  recoveryMs: number;
  writesPerSecond: number;
}

/**
 * The check of issue 16: PostgreSQL, s3rver and two `threadline server` replicas on 127.0.0.1;
 * writers split across them (each logs metric points, and a blob every fifth write); during the
 * load one replica is killed with -9 and PostgreSQL restarts. A writer whose replica is gone
 * moves to the other one, as a balancer would send it.
 */
export async function runFaultScenario(options: FaultScenarioOptions = {}): Promise<FaultReport> {
  const writers = options.writers ?? 8;
  const phaseMs = options.phaseMs ?? 2000;
  const faults = options.faults ?? true;
  const pg = await startPostgres();
  const s3 = await startS3('threadline-faults');
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-faults-'));
  const env = {
    THREADLINE_DB_URL: pg.url,
    THREADLINE_ARTIFACTS: `s3://${s3.bucket}/svc`,
    THREADLINE_S3_ENDPOINT: s3.endpoint,
    AWS_ACCESS_KEY_ID: s3rverCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3rverCredentials.secretAccessKey,
    AWS_REGION: 'us-east-1',
    THREADLINE_HOME: home,
    THREADLINE_URL: '',
    THREADLINE_LOG_LEVEL: 'warn',
  };
  const replicas: LongRunning[] = [];
  const clients: ThreadlineClient[] = [];
  try {
    // The first opens the new database and migrates it; the second then finds it migrated.
    replicas.push(await startCli(['server', '--port', '0'], { cwd: home, env }));
    replicas.push(await startCli(['server', '--port', '0'], { cwd: home, env }));
    // Retries ride out the database restart; after 5 s a writer gives its (killed) replica up.
    for (const r of replicas) clients.push(new ThreadlineClient(r.url, { retry: { timeoutMs: retryMs } }));
    const runs = await Promise.all(Array.from({ length: writers }, (_, i) => clients[i % 2]!.createRun({ experimentName: 'faults', name: `writer-${i}` })));

    const acked: { writer: number; step: number }[] = [];
    const blobs: string[] = [];
    let failed = 0;
    let longestWriteMs = 0;
    // When each writer first had a write acknowledged after PostgreSQL came back.
    const recovered: (number | undefined)[] = new Array(writers).fill(undefined);
    let returnedAt = Infinity;
    let stop = false;
    const loops = runs.map(async (run, i) => {
      let target = i % 2;
      for (let step = 0; !stop; step++) {
        const started = Date.now();
        try {
          await clients[target]!.logBatch(run.runId, { metrics: [{ key: 'load', value: step, step, timestamp: started }] });
          acked.push({ writer: i, step });
          if (step % 5 === 0) blobs.push((await clients[target]!.putBlob(`writer ${i} step ${step}`)).digest);
          if (started >= returnedAt && recovered[i] === undefined) recovered[i] = Date.now();
          longestWriteMs = Math.max(longestWriteMs, Date.now() - started);
        } catch {
          failed++;
          target = 1 - target; // its replica is gone: the other one
        }
      }
    });

    const began = Date.now();
    await sleep(phaseMs);
    let restartMs = 0;
    if (faults) {
      // A replica killed first; once its writers have moved to the other (their retries run
      // out after 5 s), PostgreSQL restarts under the one left.
      replicas[1]!.child.kill('SIGKILL');
      await sleep(retryMs + 1000);
      const restartStarted = Date.now();
      await pg.restart();
      returnedAt = Date.now();
      restartMs = returnedAt - restartStarted;
    }
    await sleep(phaseMs);
    const deadline = Date.now() + 30_000;
    while (faults && recovered.some((t) => t === undefined) && Date.now() < deadline) await sleep(50);
    stop = true;
    await Promise.all(loops);
    const elapsed = (Date.now() - began) / 1000;

    const crashed = replicas.filter((r, i) => !(faults && i === 1) && r.child.exitCode !== null).map((r) => r.url);
    let lost = 0;
    for (const [i, run] of runs.entries()) {
      const stored = new Set((await clients[0]!.metricHistory(run.runId, 'load')).map((m) => m.step));
      lost += acked.filter((a) => a.writer === i && !stored.has(a.step)).length;
    }
    for (const digest of blobs) if ((await clients[0]!.readBlob(digest).catch(() => undefined)) === undefined) lost++;
    return {
      acknowledged: acked.length + blobs.length,
      lost,
      failed,
      crashed,
      longestWriteMs,
      restartMs,
      recoveryMs: faults ? Math.max(...recovered.map((t) => (t ?? Infinity) - returnedAt)) : 0,
      writesPerSecond: acked.length / elapsed,
    };
  } finally {
    for (const c of clients) await c.close().catch(() => undefined);
    for (const r of replicas) if (r.child.exitCode === null && r.child.signalCode === null) await r.stop();
    await s3.stop();
    await pg.stop();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

const retryMs = 5000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
