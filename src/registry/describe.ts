import { registerDescriber, type Description, type Describer } from '../lineage/describe.js';
import { shortDigest } from '../lineage/short.js';
import { RunService } from '../tracking/run-service.js';
import { ModelService } from './model-service.js';

const describeModelVersions: Describer = async (ctx, ids) => {
  const models = new ModelService(ctx.store, new RunService(ctx.store));
  const out = new Map<string, Description>();
  for (const id of ids) {
    const slash = id.lastIndexOf('/');
    const version = await models.getVersion(id.slice(0, slash), id.slice(slash + 1)).catch(() => undefined);
    if (!version) continue;
    const aliases = version.aliases.length > 0 ? `  (alias ${version.aliases.join(', ')})` : '';
    const artifact = version.artifactDigest ? `  artifact ${shortDigest(version.artifactDigest)}` : '';
    const facts = { name: version.name, version: version.version, aliases: version.aliases, artifactDigest: version.artifactDigest, runId: version.runId, stage: version.currentStage };
    out.set(id, { summary: `${version.name} v${version.version}${aliases}${artifact}`, facts });
  }
  return out;
};

/** `trace` describes model versions: name, version, aliases, artifact. */
export function registerModelVersionLineage(): void {
  registerDescriber('model_version', describeModelVersions);
}
