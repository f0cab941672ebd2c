import type { Kysely } from 'kysely';
import type { Database, RunsTable } from '../store/schema.js';
import type { LifecycleStage, RunInfo, RunStatus } from './types.js';

/** SQL for the run rows themselves; params, metrics and tags live in run-data-store. */
export class RunStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** `db` is the caller's transaction when the row is written with its tags. */
  async insert(row: RunsTable, db: Kysely<Database> = this.db): Promise<void> {
    await db.insertInto('runs').values(row).execute();
  }

  async get(runId: string): Promise<RunInfo | undefined> {
    const row = await this.db.selectFrom('runs').selectAll().where('run_id', '=', runId).executeTakeFirst();
    return row && toRunInfo(row);
  }

  async getMany(runIds: string[]): Promise<RunInfo[]> {
    if (runIds.length === 0) return [];
    const rows = await this.db.selectFrom('runs').selectAll().where('run_id', 'in', runIds).execute();
    const byId = new Map(rows.map((r) => [r.run_id, toRunInfo(r)]));
    return runIds.flatMap((id) => byId.get(id) ?? []);
  }

  async update(runId: string, changes: Partial<RunsTable>): Promise<void> {
    await this.db.updateTable('runs').set(changes).where('run_id', '=', runId).execute();
  }

  /** Records a heartbeat; false when the run is not RUNNING any more (ended, or reaped). */
  async heartbeat(runId: string, now: number): Promise<boolean> {
    const result = await this.db.updateTable('runs').set({ last_heartbeat: now }).where('run_id', '=', runId).where('status', '=', 'RUNNING').executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** RUNNING runs whose last heartbeat is before `cutoff` (and, when asked, never-beating runs started before it). */
  async stale(cutoff: number, includeUnmonitored: boolean, limit: number): Promise<{ runId: string; lastHeartbeat: number | null }[]> {
    const rows = await this.db
      .selectFrom('runs')
      .select(['run_id', 'last_heartbeat'])
      .where('status', '=', 'RUNNING')
      .where((eb) => {
        const beat = eb('last_heartbeat', '<', cutoff);
        return includeUnmonitored ? eb.or([beat, eb.and([eb('last_heartbeat', 'is', null), eb('start_time', '<', cutoff)])]) : beat;
      })
      .orderBy('run_id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ runId: r.run_id, lastHeartbeat: r.last_heartbeat ?? null }));
  }

  /** Ends a run found stale unless it beat or ended meanwhile (another replica, or its writer): true when this call ended it. */
  async endIfStale(runId: string, lastHeartbeat: number | null, status: string, endTime: number): Promise<boolean> {
    const result = await this.db
      .updateTable('runs')
      .set({ status, end_time: endTime })
      .where('run_id', '=', runId)
      .where('status', '=', 'RUNNING')
      .where((eb) => (lastHeartbeat === null ? eb('last_heartbeat', 'is', null) : eb('last_heartbeat', '=', lastHeartbeat)))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async list(query: { experimentIds?: string[]; lifecycle: LifecycleStage | 'all'; limit: number }): Promise<RunInfo[]> {
    let q = this.db.selectFrom('runs').selectAll().orderBy('start_time', 'desc').orderBy('run_id', 'desc').limit(query.limit);
    if (query.experimentIds && query.experimentIds.length > 0) q = q.where('experiment_id', 'in', query.experimentIds);
    if (query.lifecycle !== 'all') q = q.where('lifecycle_stage', '=', query.lifecycle);
    return (await q.execute()).map(toRunInfo);
  }
}

export function toRunInfo(row: RunsTable): RunInfo {
  return {
    runId: row.run_id,
    experimentId: row.experiment_id,
    name: row.name,
    status: row.status as RunStatus,
    userId: row.user_id,
    startTime: row.start_time,
    endTime: row.end_time,
    lifecycleStage: row.lifecycle_stage as LifecycleStage,
    artifactUri: row.artifact_uri,
    command: row.command ? (JSON.parse(row.command) as string[]) : null,
    workingDir: row.working_dir,
    exitCode: row.exit_code,
    codeVersionId: row.code_version_id,
    environmentDigest: row.environment_digest,
  };
}
