import { z } from 'zod';
import { isThreadlineError } from '../../errors.js';
import type { EntityRef } from '../../lineage/types.js';
import type { ModelVersion } from '../../registry/types.js';
import type { Run, RunInfo } from '../../tracking/types.js';
import type { ObserverAgent, ObserverContext } from '../agent.js';
import { compareMetric, describeDiff, diffMaps, inputDigests, isEmptyDiff, lockfileDigests, type MetricRule } from '../training/compare.js';

const metricRule = z
  .object({
    direction: z.enum(['lower', 'higher']),
    max_regression: z.number().nonnegative().optional(),
    max_regression_abs: z.number().nonnegative().optional(),
  })
  .strict();

const settings = z
  .object({
    /** Experiments by name. */
    experiments: z.array(z.string().min(1)).min(1),
    /** A registered model: its `alias` version's run is the second baseline. */
    model: z.string().min(1).optional(),
    alias: z.string().min(1).default('champion'),
    /** Metrics judged for regressions and improvements; others are not compared. */
    metrics: z.record(z.string(), metricRule).default({}),
  })
  .strict();

export type TrainingSettings = z.infer<typeof settings>;

interface Seen {
  runId: string;
  time: number;
}

/** A baseline a finished run is compared with: the previous finished run, the champion's run, or both when they are one run. */
interface Baseline {
  against: ('previous' | 'champion')[];
  run: Run;
  version?: ModelVersion;
}

/**
 * The training stage: each run of the configured experiments that finished since the last poke
 * is compared with the previous finished run of its experiment and with the run behind the
 * model's champion alias: metrics against their thresholds, and what changed in params, input
 * data, environment and code. The first poke looks at the newest finished run only.
 */
export const trainingAgent: ObserverAgent<TrainingSettings> = {
  stage: 'training',
  defaultInterval: '1m',
  settings,
  async poke(ctx, s) {
    for (const name of s.experiments) {
      const experiment = await ctx.tl.experiments.getByName(name).catch((error: unknown) => {
        if (isThreadlineError(error) && error.code === 'NOT_FOUND') return undefined;
        throw error;
      });
      if (!experiment) {
        ctx.log(`experiment '${name}' does not exist (yet)`);
        continue;
      }
      const finished = (await ctx.tl.runs.list({ experimentIds: [experiment.experimentId], limit: 5000 }))
        .filter((r) => r.status === 'FINISHED')
        .sort((a, b) => finishTime(a) - finishTime(b) || (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0));
      if (finished.length === 0) continue;
      const key = `last:${name}`;
      const seen = await ctx.state.get<Seen>(key);
      const fresh = seen ? finished.filter((r) => isAfter(r, seen)) : finished.slice(-1);
      for (const info of fresh) {
        const index = finished.indexOf(info);
        await judgeRun(ctx, s, name, info, index > 0 ? finished[index - 1]! : undefined);
        await ctx.state.set(key, { runId: info.runId, time: finishTime(info) } satisfies Seen);
      }
    }
  },
};

function finishTime(run: RunInfo): number {
  return run.endTime ?? run.startTime;
}

function isAfter(run: RunInfo, seen: Seen): boolean {
  const t = finishTime(run);
  return t > seen.time || (t === seen.time && run.runId > seen.runId);
}

async function judgeRun(ctx: ObserverContext, s: TrainingSettings, experiment: string, info: RunInfo, previous: RunInfo | undefined): Promise<void> {
  const run = await ctx.tl.runs.get(info.runId);
  const baselines: Baseline[] = [];
  if (previous) baselines.push({ against: ['previous'], run: await ctx.tl.runs.get(previous.runId) });
  const champion = s.model ? await championOf(ctx, s.model, s.alias) : undefined;
  if (champion?.runId && champion.runId !== run.info.runId) {
    const same = baselines.find((b) => b.run.info.runId === champion.runId);
    if (same) {
      same.against.push('champion');
      same.version = champion;
    } else {
      const championRun = await ctx.tl.runs.get(champion.runId).catch(() => undefined);
      if (championRun) baselines.push({ against: ['champion'], run: championRun, version: champion });
    }
  }
  if (baselines.length === 0) ctx.log(`run ${run.info.runId} of ${experiment} has nothing to compare with`);
  for (const baseline of baselines) await compareRuns(ctx, s, experiment, run, baseline);
}

async function championOf(ctx: ObserverContext, model: string, alias: string): Promise<ModelVersion | undefined> {
  try {
    return await ctx.tl.models.getByAlias(model, alias);
  } catch (error) {
    if (isThreadlineError(error) && error.code === 'NOT_FOUND') {
      ctx.log(`${model}@${alias} does not exist: comparing with the previous run only`);
      return undefined;
    }
    throw error;
  }
}

async function compareRuns(ctx: ObserverContext, s: TrainingSettings, experiment: string, run: Run, baseline: Baseline): Promise<void> {
  const other = baseline.run;
  const against = baseline.against.join('+');
  const label = `${baseline.against.includes('champion') ? `${baseline.version!.name}@${s.alias} (v${baseline.version!.version}, run ${other.info.name})` : `previous run ${other.info.name}`}`;
  const subjects: EntityRef[] = [
    { type: 'run', id: run.info.runId },
    { type: 'run', id: other.info.runId },
    ...(baseline.version ? [{ type: 'model_version' as const, id: `${baseline.version.name}/${baseline.version.version}` }] : []),
  ];
  const common = { run: run.info.runId, run_name: run.info.name, experiment, against: baseline.against, compared_run: other.info.runId, ...(baseline.version && { model_version: `${baseline.version.name}/${baseline.version.version}` }) };
  const who = `run ${run.info.name} of ${experiment}`;

  for (const [metric, rule] of Object.entries(s.metrics)) {
    const after = run.metrics[metric]?.value;
    const before = other.metrics[metric]?.value;
    if (after === undefined || before === undefined || !Number.isFinite(after) || !Number.isFinite(before)) continue;
    const result = compareMetric(metric, rule as MetricRule, before, after);
    if (result.verdict !== 'regression' && result.verdict !== 'improved') continue;
    const pct = result.relative_change === null ? '' : ` (${result.relative_change >= 0 ? '+' : ''}${(result.relative_change * 100).toFixed(1)}%)`;
    const regression = result.verdict === 'regression';
    await ctx.emit({
      stage: 'training',
      kind: regression ? 'metric_regression' : 'metric_improved',
      severity: regression ? 'error' : 'info',
      summary: `${who}: ${metric} ${fmt(before)} → ${fmt(after)}${pct} vs ${label}${regression ? `, beyond ${tolerance(rule as MetricRule)}` : ''}`,
      subjects,
      details: { ...common, ...result },
      fingerprint: `training:${regression ? 'metric_regression' : 'metric_improved'}:${experiment}:${metric}:${against}`,
    });
  }

  const params = diffMaps(other.params, run.params);
  if (!isEmptyDiff(params)) {
    await ctx.emit({ stage: 'training', kind: 'params_changed', severity: 'info', summary: `${who}: params changed vs ${label}: ${describeDiff(params)}`, subjects, details: { ...common, params }, fingerprint: `training:params_changed:${experiment}:${against}` });
  }

  const data = diffMaps(inputDigests(other), inputDigests(run));
  if (!isEmptyDiff(data)) {
    const dataSubjects = [...subjects, ...Object.values(data.changed).map((c) => ({ type: 'data' as const, id: c.to })), ...Object.values(data.added).map((d) => ({ type: 'data' as const, id: d }))];
    await ctx.emit({ stage: 'training', kind: 'data_changed', severity: 'warning', summary: `${who}: input data differs from ${label}: ${describeDiff(data)}`, subjects: dataSubjects, details: { ...common, inputs: data }, fingerprint: `training:data_changed:${experiment}:${against}` });
  }

  if (run.environment && other.environment && run.environment.digest !== other.environment.digest) {
    const lockfiles = diffMaps(lockfileDigests(other), lockfileDigests(run));
    const runtimes = diffMaps(other.environment.runtimes, run.environment.runtimes);
    const what = [isEmptyDiff(lockfiles) ? '' : `lockfiles ${describeDiff(lockfiles)}`, isEmptyDiff(runtimes) ? '' : `runtimes ${describeDiff(runtimes)}`].filter(Boolean).join('; ') || 'environment digest';
    await ctx.emit({
      stage: 'training',
      kind: 'environment_changed',
      severity: 'info',
      summary: `${who}: environment differs from ${label}: ${what}`,
      subjects: [...subjects, { type: 'environment', id: run.environment.digest }],
      details: { ...common, before: other.environment.digest, after: run.environment.digest, lockfiles, runtimes },
      fingerprint: `training:environment_changed:${experiment}:${against}`,
    });
  }

  if (run.code && other.code && run.code.id !== other.code.id) {
    const side = (c: NonNullable<Run['code']>) => ({ id: c.id, commit: c.commitSha, branch: c.branch, dirty: c.dirty });
    await ctx.emit({
      stage: 'training',
      kind: 'code_changed',
      severity: 'info',
      summary: `${who}: code ${run.code.commitSha.slice(0, 12)}${run.code.dirty ? '+dirty' : ''} vs ${other.code.commitSha.slice(0, 12)}${other.code.dirty ? '+dirty' : ''} of ${label}`,
      subjects: [...subjects, { type: 'code', id: run.code.id }],
      details: { ...common, before: side(other.code), after: side(run.code) },
      fingerprint: `training:code_changed:${experiment}:${against}`,
    });
  }
}

function fmt(n: number): string {
  return String(Number(n.toPrecision(4)));
}

function tolerance(rule: MetricRule): string {
  const parts = [rule.max_regression !== undefined ? `${rule.max_regression * 100}%` : '', rule.max_regression_abs !== undefined ? `${rule.max_regression_abs} absolute` : ''].filter(Boolean);
  return parts.length ? `the tolerated ${parts.join(' / ')}` : 'no tolerance';
}
