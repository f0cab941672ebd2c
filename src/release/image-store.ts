import type { Kysely } from 'kysely';
import { addEdges } from '../lineage/edge-store.js';
import type { Database, ImagesTable } from '../store/schema.js';
import type { ImageFilter, ImageRecord } from './image-types.js';

/** Images matching every given field, newest first. */
export async function findImages(db: Kysely<Database>, filter: ImageFilter = {}): Promise<ImageRecord[]> {
  let query = db.selectFrom('images').selectAll();
  if (filter.modelName !== undefined) query = query.where('model_name', '=', filter.modelName);
  if (filter.modelVersion !== undefined) query = query.where('model_version', '=', filter.modelVersion);
  if (filter.runId !== undefined) query = query.where('run_id', '=', filter.runId);
  if (filter.reference !== undefined) query = query.where('reference', '=', filter.reference);
  if (filter.digest !== undefined) query = query.where('digest', '=', filter.digest);
  const rows = await query.orderBy('created_at', 'desc').orderBy('reference').execute();
  return rows.map(toRecord);
}

/**
 * Records the image and its `packages` edge to the model version. The same reference recorded
 * again (a reproducible rebuild, maybe under another tag) keeps its row, first tag and creation
 * time, so `run-<id>` keeps naming it; the layout is the latest; `pushed` only ever turns on.
 */
export async function saveImage(db: Kysely<Database>, image: ImageRecord): Promise<ImageRecord> {
  const idb = db;
  const [existing] = await findImages(db, { reference: image.reference });
  if (existing) {
    await idb
      .updateTable('images')
      .set({ tag: existing.tag ?? image.tag, layout_path: image.layoutPath ?? existing.layoutPath, pushed: existing.pushed || image.pushed ? 1 : 0 })
      .where('reference', '=', image.reference)
      .execute();
  } else {
    await idb.insertInto('images').values(toRow(image)).execute();
  }
  if (image.modelName !== null && image.modelVersion !== null) {
    const edge = { from: { type: 'image' as const, id: image.reference }, relation: 'packages', to: { type: 'model_version' as const, id: `${image.modelName}/${image.modelVersion}` } };
    await addEdges(db, [edge], image.createdAt);
  }
  return (await findImages(db, { reference: image.reference }))[0]!;
}

function toRow(image: ImageRecord): ImagesTable {
  return {
    reference: image.reference,
    repository: image.repository,
    digest: image.digest,
    tag: image.tag,
    model_name: image.modelName,
    model_version: image.modelVersion,
    run_id: image.runId,
    git_sha: image.gitSha,
    labels: JSON.stringify(image.labels),
    layout_path: image.layoutPath,
    pushed: image.pushed ? 1 : 0,
    created_at: image.createdAt,
  };
}

function toRecord(row: ImagesTable): ImageRecord {
  return {
    reference: row.reference,
    repository: row.repository,
    digest: row.digest,
    tag: row.tag,
    modelName: row.model_name,
    modelVersion: row.model_version,
    runId: row.run_id,
    gitSha: row.git_sha,
    labels: JSON.parse(row.labels) as Record<string, string>,
    layoutPath: row.layout_path,
    pushed: row.pushed === 1,
    createdAt: row.created_at,
  };
}
