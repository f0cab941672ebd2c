/**
 * The production observer: over the last window of a deployment's prediction log, input drift
 * against the training reference, prediction drift, performance from feedback, fairness by a
 * sensitive attribute, latency and error rate. Each check remembers its last verdict and speaks
 * only when it changes (or, while bad, when another set of columns drifts): one event per
 * finding, fingerprint `<deployment>:<check>`.
 */
import type { ColumnKind } from '../../capture/columns.js';
import { parseDuration } from '../../duration.js';
import { invalidArgument, isThreadlineError } from '../../errors.js';
import type { EntityRef } from '../../lineage/types.js';
import type { ObserverAgent } from '../agent.js';
import { errorRate, fairness, inputDrift, latency, performance, predictionDrift, type CheckName, type Finding } from '../production/checks.js';
import { readReference, referenceSubject, resolveReference, type ReferenceData } from '../production/reference.js';
import { parseJsonPath } from '../production/rows.js';
import { productionSettings, type ProductionSettings } from '../production/settings.js';
import { readWindow, type WindowRequest } from '../production/window.js';
import { newestPredictionTime, windowSignature } from '../production/window-store.js';
import { resolveDeployment } from '../production/deployment.js';

interface Verdict {
  bad: boolean;
  signature: string;
}

interface DeploymentState {
  /** The window last judged: the same newest prediction and count means nothing new to say. */
  window: { to: number; requests: number; feedback: number } | null;
  verdicts: Partial<Record<CheckName, Verdict>>;
}

const kindOf = (kind: ColumnKind): Exclude<ColumnKind, 'unsupported'> => (kind === 'unsupported' ? 'categorical' : kind);

/** JSON has no NaN or Infinity: such numbers are recorded as null. */
function jsonSafe(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  return value;
}

export const productionAgent: ObserverAgent<ProductionSettings> = {
  stage: 'production',
  defaultInterval: '5m',
  settings: productionSettings,

  async poke(ctx, settings) {
    const deployment = await resolveDeployment(ctx.tl.store, settings.deployment);
    const deploymentId = deployment.id;
    const modelVersion = `${deployment.model_name}/${deployment.model_version}`;
    const newest = await newestPredictionTime(ctx.tl.store, deploymentId);
    if (newest === null) {
      ctx.log(`no predictions logged for ${deploymentId} yet`);
      return;
    }
    const stateKey = `deployment:${deploymentId}`;
    const state = (await ctx.state.get<DeploymentState>(stateKey)) ?? { window: null, verdicts: {} };

    // The reference is read before the window so that its columns name what to collect; if it
    // cannot be read, the checks that do not need it still run and the poke then fails with why.
    let reference: ReferenceData | null = null;
    let referenceError: unknown = null;
    if (settings.drift !== false) {
      try {
        const source = await resolveReference(ctx.tl, ctx.baseDir, settings, modelVersion);
        reference = await readReference(`${ctx.name}:${source.files.join('|')}`, source);
      } catch (error) {
        if (!isThreadlineError(error)) throw error;
        referenceError = error;
      }
    }
    const features = featureColumns(settings, reference);
    const windowMs = parseDuration(settings.window, 'window');
    const request: Omit<WindowRequest, 'from' | 'to'> = {
      deploymentId,
      features,
      requestPath: settings.request_path ? parseJsonPath(settings.request_path) : undefined,
      positionalNames: settings.features ?? features.map((f) => f.name),
      predictionPath: parseJsonPath(settings.prediction_field),
      task: settings.task,
      labels: Boolean(settings.performance) || settings.fairness?.metric === 'equalized_odds_difference',
      labelPath: settings.label_field ? parseJsonPath(settings.label_field) : undefined,
      sensitiveAttribute: settings.sensitive_attribute,
    };
    const from = newest - windowMs + 1;
    // Counted in SQL before anything is read: new feedback on old predictions counts as new too.
    const seen = { to: newest, ...(await windowSignature(ctx.tl.store, deploymentId, from, newest)) };
    const unchanged = state.window && (Object.keys(seen) as (keyof typeof seen)[]).every((k) => state.window![k] === seen[k]);
    if (unchanged && !referenceError) {
      ctx.log(`${deploymentId}: no new predictions or feedback since the last poke`);
      return;
    }
    const window = await readWindow(ctx.tl.store, { ...request, from, to: newest });
    if (window.skipped) ctx.log(`${deploymentId}: ${window.skipped} request bodies skipped (${Object.entries(window.skippedReasons).map(([r, n]) => `${n}× ${r}`).join('; ')})`);

    const needsPrevious = settings.drift !== false && settings.task !== 'ranking' && !(settings.reference_prediction_column && reference?.vectors.has(settings.reference_prediction_column));
    const previous = needsPrevious ? await readWindow(ctx.tl.store, { ...request, predictionsOnly: true, labels: false, from: newest - 2 * windowMs + 1, to: newest - windowMs }) : null;

    const findings: (Finding | null)[] = [
      reference ? inputDrift(window, reference, settings, deploymentId) : null,
      predictionDrift(window, previous, reference, settings, deploymentId),
      performance(window, settings, deploymentId),
      fairness(window, settings, deploymentId),
      latency(window, settings, deploymentId),
      errorRate(window, settings, deploymentId),
    ];
    const subjects: EntityRef[] = [{ type: 'deployment', id: deploymentId }, { type: 'model_version', id: modelVersion }, ...(reference ? referenceSubject(reference.source) : [])];
    for (const finding of findings) {
      if (!finding) continue;
      const before = state.verdicts[finding.check];
      const speak = finding.bad ? !before?.bad || before.signature !== finding.signature : Boolean(before?.bad);
      if (speak) {
        await ctx.emit({
          stage: 'production',
          kind: finding.kind,
          severity: finding.severity,
          summary: finding.bad ? finding.summary : `back to normal: ${finding.summary}`,
          subjects,
          details: { ...(jsonSafe(finding.details) as Record<string, unknown>), deployment: deploymentId, modelVersion },
          fingerprint: `${deploymentId}:${finding.check}`,
        });
      } else ctx.log(finding.summary);
      state.verdicts[finding.check] = { bad: finding.bad, signature: finding.signature };
    }
    // A window judged without its reference is not done: once the reference reads, drift must still be checked on it.
    state.window = referenceError ? null : seen;
    await ctx.state.set(stateKey, state);
    if (referenceError) throw referenceError;
  },
};

/** The reference's columns the settings ask for (all but its prediction column by default). */
function featureColumns(settings: ProductionSettings, reference: ReferenceData | null): WindowRequest['features'] {
  if (!reference) return [];
  const byName = new Map(reference.columns.map((c) => [c.name, c]));
  if (settings.features) {
    const unknown = settings.features.filter((f) => !byName.has(f));
    if (unknown.length) throw invalidArgument(`features ${unknown.join(', ')} are not columns of the reference ${reference.source.label}`);
    return settings.features.map((name) => ({ name, kind: kindOf(byName.get(name)!.kind) }));
  }
  return reference.columns.filter((c) => c.name !== settings.reference_prediction_column).map((c) => ({ name: c.name, kind: kindOf(c.kind) }));
}
