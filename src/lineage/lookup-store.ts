import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { EntityRef } from './types.js';

/** A code version found by its commit, with what tells same-commit checkouts apart. */
export interface CodeMatch {
  id: string;
  commitSha: string;
  dirty: boolean;
  remoteUrl: string | null;
}

/** Where a blob was stored as a run artifact. */
export interface ArtifactUse {
  digest: string;
  runId: string;
  path: string;
  size: number;
}

/**
 * SQL that finds entities by the ids people type, for `trace`. Prefixes are ranges
 * (`>= p AND < p || 'g'`, ids being lowercase hex after their fixed prefix) so that both
 * dialects use the primary-key and secondary indexes; LIKE would not on PostgreSQL's locales.
 */
export class LookupStore {
  constructor(private readonly db: Kysely<Database>) {}

  async runIdsWithPrefix(prefix: string, limit: number): Promise<string[]> {
    const rows = await this.db.selectFrom('runs').select('run_id').where('run_id', '>=', prefix).where('run_id', '<', `${prefix}g`).orderBy('run_id').limit(limit).execute();
    return rows.map((r) => r.run_id);
  }

  async codeByCommitPrefix(prefix: string, limit: number): Promise<CodeMatch[]> {
    const rows = await this.db
      .selectFrom('code_versions')
      .select(['id', 'commit_sha', 'dirty', 'remote_url'])
      .where('commit_sha', '>=', prefix)
      .where('commit_sha', '<', `${prefix}g`)
      .orderBy('commit_sha')
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: r.id, commitSha: r.commit_sha, dirty: r.dirty === 1, remoteUrl: r.remote_url }));
  }

  /** Every entity whose `sha256:` id starts with `prefix`: code versions, data versions, environments, blobs, model files. */
  async byDigestPrefix(prefix: string, limit: number): Promise<EntityRef[]> {
    const end = `${prefix}g`;
    const [code, data, env, blobs, models] = await Promise.all([
      this.db.selectFrom('code_versions').select('id as id').where('id', '>=', prefix).where('id', '<', end).limit(limit).execute(),
      this.db.selectFrom('data_versions').select('digest as id').where('digest', '>=', prefix).where('digest', '<', end).limit(limit).execute(),
      this.db.selectFrom('environments').select('digest as id').where('digest', '>=', prefix).where('digest', '<', end).limit(limit).execute(),
      this.db.selectFrom('blobs').select('digest as id').where('digest', '>=', prefix).where('digest', '<', end).limit(limit).execute(),
      // A model folder's digest is a manifest, not a blob: only model_versions knows it.
      this.db.selectFrom('model_versions').select('artifact_digest as id').distinct().where('artifact_digest', '>=', prefix).where('artifact_digest', '<', end).limit(limit).execute(),
    ]);
    const refs = [
      ...code.map((r) => ({ type: 'code' as const, id: r.id })),
      ...data.map((r) => ({ type: 'data' as const, id: r.id })),
      ...env.map((r) => ({ type: 'environment' as const, id: r.id })),
      ...[...blobs, ...models].flatMap((r) => (r.id ? [{ type: 'artifact' as const, id: r.id }] : [])),
    ];
    return refs;
  }

  /** The run paths at which each digest was stored, and the blob sizes. */
  async artifactUses(digests: readonly string[]): Promise<ArtifactUse[]> {
    if (digests.length === 0) return [];
    const rows = await this.db
      .selectFrom('run_artifacts')
      .select(['digest', 'run_id', 'path', 'size'])
      .where('digest', 'in', [...digests])
      .orderBy('run_id')
      .orderBy('path')
      .execute();
    return rows.map((r) => ({ digest: r.digest, runId: r.run_id, path: r.path, size: r.size }));
  }

  async blobSizes(digests: readonly string[]): Promise<Map<string, number>> {
    if (digests.length === 0) return new Map();
    const rows = await this.db.selectFrom('blobs').select(['digest', 'size']).where('digest', 'in', [...digests]).execute();
    return new Map(rows.map((r) => [r.digest, r.size]));
  }
}
