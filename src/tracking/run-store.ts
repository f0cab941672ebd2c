import type { Kysely } from 'kysely';
import type { Database, RunsTable } from '../store/schema.js';
import type { LifecycleStage, RunInfo, RunStatus } from './types.js';

/** SQL for the run rows themselves; params, metrics and tags live in run-data-store. */
export class RunStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: RunsTable): Promise<void> {
    await this.db.insertInto('runs').values(row).execute();
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
