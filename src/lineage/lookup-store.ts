import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { EntityRef } from './types.js';

/** Tables of time-ordered ids, and where their random tail (the short form) starts, 1-based as SQL's substr. */
export const timeOrderedTables = {
  runs: { column: 'run_id', tailFrom: 25 },
  predictions: { column: 'id', tailFrom: 29 },
  events: { column: 'id', tailFrom: 29 },
  validations: { column: 'id', tailFrom: 29 },
} as const;

export type TimeOrderedTable = keyof typeof timeOrderedTables;

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

  /**
   * Ids of a time-ordered table typed as a short form (a prefix of the random tail that starts at
   * character `tailFrom`, the expression migration 0014 indexes) or, with `prefix`, as a prefix of the whole id.
   */
  async idsByTailOrPrefix(table: TimeOrderedTable, typed: string, options: { prefix: boolean }, limit: number): Promise<string[]> {
    const { column, tailFrom } = timeOrderedTables[table];
    const id = sql.ref(column);
    const tail = sql`substr(${id}, ${sql.lit(tailFrom)})`;
    const queries = [];
    if (typed.length <= 8) queries.push(sql<{ id: string }>`select ${id} as id from ${sql.table(table)} where ${tail} >= ${typed} and ${tail} < ${`${typed}g`} order by ${id} limit ${limit}`);
    if (options.prefix) queries.push(sql<{ id: string }>`select ${id} as id from ${sql.table(table)} where ${id} >= ${typed} and ${id} < ${`${typed}g`} order by ${id} limit ${limit}`);
    const results = await Promise.all(queries.map((q) => q.execute(this.db)));
    return [...new Set(results.flatMap((r) => r.rows.map((row) => row.id)))];
  }

  async exists(table: TimeOrderedTable, id: string): Promise<boolean> {
    const column = sql.ref(timeOrderedTables[table].column);
    const { rows } = await sql<{ id: string }>`select ${column} as id from ${sql.table(table)} where ${column} = ${id}`.execute(this.db);
    return rows.length > 0;
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

  /**
   * Data versions whose manifest holds a file with this content: by its sha256 (or a prefix) or
   * by the md5 DVC recorded (`md5:<hex>`). Served by the data_files indexes (0013).
   */
  async dataByFileDigest(id: string, limit: number): Promise<{ dataDigest: string; path: string; digest: string }[]> {
    let query = this.db.selectFrom('data_files').select(['data_digest', 'path', 'digest']);
    if (id.startsWith('md5:')) query = query.where('dvc_md5', '=', id.slice('md5:'.length));
    else query = query.where('digest', '>=', id).where('digest', '<', `${id}g`);
    const rows = await query.orderBy('data_digest').orderBy('path').limit(limit).execute();
    return rows.map((r) => ({ dataDigest: r.data_digest, path: r.path, digest: r.digest }));
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
