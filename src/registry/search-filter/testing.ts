import type { Store } from '../../store/database.js';

/** A run as the search tests describe it; rows go straight into the tables with Kysely. */
export interface RunFixture {
  id: string;
  experiment?: string;
  name?: string;
  status?: string;
  user?: string;
  start: number;
  end?: number | null;
  deleted?: boolean;
  /** NaN is stored as MLflow does: value 0, is_nan 1. */
  metrics?: Record<string, number>;
  params?: Record<string, string>;
  tags?: Record<string, string>;
}

export async function insertRuns(store: Store, runs: RunFixture[]): Promise<void> {
  for (const run of runs) {
    await store.db
      .insertInto('runs')
      .values({
        run_id: run.id,
        experiment_id: run.experiment ?? '0',
        name: run.name ?? run.id,
        status: run.status ?? 'FINISHED',
        user_id: run.user ?? 'tester',
        start_time: run.start,
        end_time: run.end ?? null,
        lifecycle_stage: run.deleted ? 'deleted' : 'active',
        deleted_time: run.deleted ? run.start + 1 : null,
        artifact_uri: `threadline-artifacts:/${run.id}`,
        command: null,
        working_dir: null,
        exit_code: null,
        code_version_id: null,
        environment_digest: null,
      })
      .execute();
    const metrics = Object.entries(run.metrics ?? {}).map(([key, value]) => ({
      run_id: run.id,
      key,
      value: Number.isNaN(value) ? 0 : value,
      timestamp: run.start,
      step: 0,
      is_nan: Number.isNaN(value) ? 1 : 0,
    }));
    if (metrics.length > 0) {
      await store.db.insertInto('metrics').values(metrics).execute();
      await store.db.insertInto('latest_metrics').values(metrics).execute();
    }
    const pairs = (record: Record<string, string> | undefined) => Object.entries(record ?? {}).map(([key, value]) => ({ run_id: run.id, key, value }));
    const params = pairs(run.params);
    if (params.length > 0) await store.db.insertInto('params').values(params).execute();
    const tags = pairs(run.tags);
    if (tags.length > 0) await store.db.insertInto('run_tags').values(tags).execute();
  }
}

export async function insertExperiment(
  store: Store,
  e: { id: string; name: string; created: number; updated?: number; deleted?: boolean; tags?: Record<string, string> },
): Promise<void> {
  await store.db
    .insertInto('experiments')
    .values({
      experiment_id: e.id,
      name: e.name,
      artifact_location: `threadline-artifacts:/${e.id}`,
      lifecycle_stage: e.deleted ? 'deleted' : 'active',
      creation_time: e.created,
      last_update_time: e.updated ?? e.created,
    })
    .execute();
  const tags = Object.entries(e.tags ?? {}).map(([key, value]) => ({ experiment_id: e.id, key, value }));
  if (tags.length > 0) await store.db.insertInto('experiment_tags').values(tags).execute();
}
