import type { Kysely } from 'kysely';
import type { CodeVersion, DataFile, DataVersion, Environment, OmittedFile } from '../capture/types.js';
import type { Database } from '../store/schema.js';
import type { RunArtifact, RunInput } from './types.js';

/**
 * SQL for what runs ran on (code, environment, data) and what they read and wrote. These rows are
 * content-addressed, so writing one that exists is a no-op.
 */
export class ProvenanceStore {
  constructor(private readonly db: Kysely<Database>) {}

  async saveCode(code: CodeVersion, now: number): Promise<void> {
    await this.db
      .insertInto('code_versions')
      .values({
        id: code.id,
        repo_root: code.repoRoot,
        remote_url: code.remoteUrl,
        commit_sha: code.commitSha,
        branch: code.branch,
        dirty: code.dirty ? 1 : 0,
        patch_digest: code.patchDigest,
        omitted: code.omitted && code.omitted.length > 0 ? JSON.stringify(code.omitted) : null,
        created_at: now,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  async code(id: string): Promise<CodeVersion | undefined> {
    const row = await this.db.selectFrom('code_versions').selectAll().where('id', '=', id).executeTakeFirst();
    return (
      row && {
        id: row.id,
        repoRoot: row.repo_root,
        remoteUrl: row.remote_url,
        commitSha: row.commit_sha,
        branch: row.branch,
        dirty: row.dirty === 1,
        patchDigest: row.patch_digest,
        ...(row.omitted && { omitted: JSON.parse(row.omitted) as OmittedFile[] }),
      }
    );
  }

  async saveEnvironment(env: Environment, now: number): Promise<void> {
    await this.db
      .insertInto('environments')
      .values({ digest: env.digest, os: env.os, arch: env.arch, document: JSON.stringify(env), created_at: now })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  async environment(digest: string): Promise<Environment | undefined> {
    const row = await this.db.selectFrom('environments').select('document').where('digest', '=', digest).executeTakeFirst();
    return row && (JSON.parse(row.document) as Environment);
  }

  async saveData(data: DataVersion, now: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('data_versions')
        .values({
          digest: data.digest,
          uri: data.uri,
          format: data.format,
          file_count: data.files.length,
          total_size: data.totalSize,
          row_count: data.rowCount,
          schema: data.schema ? JSON.stringify(data.schema) : null,
          created_at: now,
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) return;
      for (let i = 0; i < data.files.length; i += 500) {
        const files = data.files.slice(i, i + 500).map((f) => ({ data_digest: data.digest, path: f.path, size: f.size, digest: f.digest, dvc_md5: f.dvcMd5 ?? null }));
        await trx.insertInto('data_files').values(files).onConflict((oc) => oc.doNothing()).execute();
      }
    });
  }

  async data(digest: string): Promise<DataVersion | undefined> {
    const row = await this.db.selectFrom('data_versions').selectAll().where('digest', '=', digest).executeTakeFirst();
    if (!row) return undefined;
    const { files } = (await this.manifests([digest], Number.MAX_SAFE_INTEGER - 1)).get(digest)!;
    return {
      digest: row.digest,
      uri: row.uri,
      format: (row.format ?? 'other') as DataVersion['format'],
      files,
      totalSize: row.total_size,
      rowCount: row.row_count,
      schema: row.schema ? JSON.parse(row.schema) : null,
    };
  }

  /** The first `limit` files of each data version, by path; one query per version, run in parallel. */
  async manifests(digests: readonly string[], limit: number): Promise<Map<string, { files: DataFile[]; truncated: boolean }>> {
    const entries = await Promise.all(
      [...new Set(digests)].map(async (digest) => {
        const rows = await this.db.selectFrom('data_files').select(['path', 'size', 'digest', 'dvc_md5']).where('data_digest', '=', digest).orderBy('path').limit(limit + 1).execute();
        const files = rows.slice(0, limit).map((f) => ({ path: f.path, size: f.size, digest: f.digest, ...(f.dvc_md5 && { dvcMd5: f.dvc_md5 }) }));
        return [digest, { files, truncated: rows.length > limit }] as const;
      }),
    );
    return new Map(entries);
  }

  async saveBlob(digest: string, size: number, mediaType: string | null, now: number): Promise<void> {
    await this.db
      .insertInto('blobs')
      .values({ digest, size, media_type: mediaType, created_at: now })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  async addIo(runId: string, io: RunInput, now: number): Promise<void> {
    await this.db
      .insertInto('run_io')
      .values({ run_id: runId, direction: io.direction, kind: io.kind, name: io.name, ref: io.ref, created_at: now })
      .onConflict((oc) => oc.columns(['run_id', 'direction', 'name']).doUpdateSet({ kind: io.kind, ref: io.ref }))
      .execute();
  }

  async io(runId: string): Promise<RunInput[]> {
    const rows = await this.db.selectFrom('run_io').selectAll().where('run_id', '=', runId).orderBy('created_at').orderBy('name').execute();
    return rows.map((r) => ({ direction: r.direction as RunInput['direction'], kind: r.kind as RunInput['kind'], name: r.name, ref: r.ref }));
  }

  async addArtifact(runId: string, artifact: RunArtifact, now: number): Promise<void> {
    const row = { run_id: runId, path: artifact.path, digest: artifact.digest, size: artifact.size, media_type: artifact.mediaType, created_at: now };
    await this.db
      .insertInto('run_artifacts')
      .values(row)
      .onConflict((oc) => oc.columns(['run_id', 'path']).doUpdateSet({ digest: row.digest, size: row.size, media_type: row.media_type, created_at: now }))
      .execute();
  }

  /** Removes the artifact at `path` or, for a folder, everything under it. */
  async removeArtifacts(runId: string, path: string): Promise<number> {
    const rows = await this.db.selectFrom('run_artifacts').select('path').where('run_id', '=', runId).execute();
    const doomed = rows.map((r) => r.path).filter((p) => p === path || p.startsWith(`${path}/`));
    if (doomed.length === 0) return 0;
    await this.db.deleteFrom('run_artifacts').where('run_id', '=', runId).where('path', 'in', doomed).execute();
    return doomed.length;
  }

  async artifacts(runId: string): Promise<RunArtifact[]> {
    const rows = await this.db.selectFrom('run_artifacts').selectAll().where('run_id', '=', runId).orderBy('path').execute();
    return rows.map((r) => ({ path: r.path, digest: r.digest, size: r.size, mediaType: r.media_type }));
  }
}
