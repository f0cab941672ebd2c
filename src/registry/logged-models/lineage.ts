import { registerDescriber, type Describer, type Description } from '../../lineage/describe.js';
import { registerResolver, type Resolver } from '../../lineage/resolve.js';
import { formatBytes, shortDigest } from '../../lineage/short.js';
import { LoggedModelStore } from './logged-model-store.js';
import { toLoggedModels } from './rows.js';

/** `trace m-0193…`: an MLflow 3 logged model by its id, or a prefix of 8+ characters after `m-`. */
export const loggedModelResolver: Resolver = {
  kind: 'MLflow 3 logged model id (m-<32 hex>, or a prefix of 8+ hex)',
  accepts: (id) => /^m-[0-9a-f]{8,32}$/.test(id),
  async find(id, ctx) {
    const ids = await new LoggedModelStore(ctx.db).idsWithPrefix(id, 10);
    return ids.map((modelId) => ({ ref: { type: 'logged_model' as const, id: modelId }, note: `logged model ${modelId}` }));
  },
};

/** `reco-model  m-0193…  READY  5 files (2.1 kB)  artifact sha256:…`, deleted ones said so. */
export const describeLoggedModels: Describer = async (ctx, ids) => {
  const store = new LoggedModelStore(ctx.db);
  const rows = await store.getMany(ids);
  const models = toLoggedModels(rows, await store.children(rows.map((r) => r.model_id)));
  const out = new Map<string, Description>();
  for (const m of models) {
    const size = m.files.reduce((sum, f) => sum + f.size, 0);
    const parts = [m.name, m.modelId, m.status.replace(/^LOGGED_MODEL_/, ''), `${m.files.length} files (${formatBytes(size)})`, m.artifactDigest && `artifact ${shortDigest(m.artifactDigest)}`, m.lifecycleStage === 'deleted' && 'deleted'];
    const facts = { modelId: m.modelId, name: m.name, experimentId: m.experimentId, status: m.status, sourceRunId: m.sourceRunId, artifactDigest: m.artifactDigest, environmentDigest: m.environmentDigest, files: m.files.map((f) => f.path), registrations: m.registrations, lifecycleStage: m.lifecycleStage };
    out.set(m.modelId, { summary: parts.filter(Boolean).join('  '), facts });
  }
  return out;
};

/** Lets `trace` read logged model ids and describe logged model nodes; idempotent. */
export function registerLoggedModelLineage(): void {
  registerResolver(loggedModelResolver);
  registerDescriber('logged_model', describeLoggedModels);
}
