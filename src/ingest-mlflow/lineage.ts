import { registerDescriber, type Describer } from '../lineage/describe.js';
import { registerResolver, type Resolver } from '../lineage/resolve.js';
import { formatCount } from '../lineage/short.js';
import { describeDataVersions } from '../tracking/describe.js';
import { MlflowDatasetStore } from './dataset-store.js';

/**
 * `trace <mlflow digest>`, `trace delta:main.reco.orders@v12`, `trace s3://lake/orders`: a data
 * version made from an MLflow dataset input, by MLflow's digest, by its readable source, or by
 * the source without its version (every version of a table, then ambiguous if several).
 */
export const mlflowDatasetResolver: Resolver = {
  kind: 'MLflow dataset (its digest, or its source such as delta:TABLE@vN or s3://…)',
  accepts: (id) => /^[0-9a-f]{8,64}$/.test(id) || (/^[a-z][a-z0-9_+.-]*:\S/i.test(id) && !id.startsWith('sha256:') && !id.startsWith('runs:')),
  async find(id, ctx) {
    const found = await new MlflowDatasetStore(ctx.db).find(id, 20);
    return found.map((r) => ({ ref: { type: 'data' as const, id: r.dataDigest }, note: `data ${r.sourceUri} (mlflow digest ${r.mlflowDigest})` }));
  },
};

/** Tracking's data description, plus what MLflow said: its digest, dataset name and source type. */
const describeData: Describer = async (ctx, ids) => {
  const out = await describeDataVersions(ctx, ids);
  const records = await new MlflowDatasetStore(ctx.db).byDataDigest(ids);
  for (const [digest, record] of records) {
    const described = out.get(digest);
    if (!described) continue;
    // Spark datasets' profile is an approximate count: shown as one, never recorded as the row count.
    const approx = approxCount(record.profile);
    const summary = approx === null ? described.summary : described.summary.replace('(rows not known)', `(≈${formatCount(approx)} rows)`);
    out.set(digest, {
      summary: `${summary}  mlflow ${record.name} ${record.mlflowDigest}`,
      facts: { ...described.facts, mlflow: { name: record.name, digest: record.mlflowDigest, sourceType: record.sourceType, source: record.source } },
    });
  }
  return out;
};

/** Lets `trace` find and describe data versions made from MLflow dataset inputs; idempotent. */
export function registerMlflowDatasetLineage(): void {
  registerResolver(mlflowDatasetResolver);
  registerDescriber('data', describeData);
}

function approxCount(profile: string | null): number | null {
  try {
    const count: unknown = profile && (JSON.parse(profile) as { approx_count?: unknown }).approx_count;
    return typeof count === 'number' && Number.isSafeInteger(count) && count > 0 ? count : null;
  } catch {
    return null;
  }
}
