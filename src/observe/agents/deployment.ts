import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { canonicalJson } from '../../capture/canonical.js';
import { parseDuration } from '../../duration.js';
import type { EntityRef } from '../../lineage/types.js';
import { DeploymentStore } from '../../release/deploy/deployment-store.js';
import type { DeploymentDetails } from '../../release/deploy/types.js';
import type { DeploymentsTable } from '../../store/schema.js';
import type { ObserverAgent, ObserverContext } from '../agent.js';
import { kubectlDeployments, probeLocal } from '../deployment/probes.js';
import { driftFromRecord, imageDigest, manifestFiles, readManifestFile, type RunningDeployment } from '../deployment/running.js';

const settings = z
  .object({
    environments: z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'an environment name')).min(1),
    /**
     * Rendered manifests: a file, folder or glob relative to threadline.yaml; `{env}` is replaced
     * by each environment. Without it, the manifests a kubernetes deploy wrote (its recorded
     * manifestsPath) are checked.
     */
    manifests: z.string().min(1).optional(),
    kubeconfig: z.string().min(1).optional(),
    namespace: z.string().min(1).optional(),
    kubectl: z.string().min(1).default('kubectl'),
    health_timeout: z.union([z.string(), z.number()]).default('5s'),
  })
  .strict();

export type DeploymentSettings = z.infer<typeof settings>;

/**
 * The deployment stage: what runs against what was recorded, per environment. New records
 * (`deployed`, `rolled_back`, `deploy_failed`); rendered manifests and, with a kubeconfig, the
 * cluster's Deployments that no longer match the current record (`drift_from_record`, and
 * `drift_resolved` when they match again); a local server that went down or came back.
 */
export const deploymentAgent: ObserverAgent<DeploymentSettings> = {
  stage: 'deployment',
  defaultInterval: '1m',
  settings,
  async poke(ctx, s) {
    const store = new DeploymentStore(ctx.tl.store.db);
    const timeoutMs = parseDuration(s.health_timeout, 'health_timeout');
    const currents = new Map<string, DeploymentsTable | undefined>();
    for (const env of s.environments) {
      await newRecords(ctx, store, env);
      const current = await store.current(env);
      currents.set(env, current);
      await checkManifests(ctx, s, env, current);
      if (current?.target === 'local') await checkLocal(ctx, current, timeoutMs);
    }
    // Last: a cluster that cannot be read fails the poke after everything else was looked at.
    if (s.kubeconfig) {
      const running = await kubectlDeployments({ kubectl: s.kubectl, kubeconfig: path.resolve(ctx.baseDir, s.kubeconfig.replace(/^~(?=\/)/, os.homedir())), namespace: s.namespace, timeoutMs: Math.max(timeoutMs, 5000) });
      for (const env of s.environments) {
        const mine = running.filter((d) => d.environment === env);
        for (const d of mine) await reportDrift(ctx, env, d.source, currents.get(env), [d]);
      }
    }
  },
};

function subjectsOf(row: DeploymentsTable): EntityRef[] {
  return [
    { type: 'deployment', id: row.id },
    ...(row.image_reference ? [{ type: 'image' as const, id: row.image_reference }] : []),
    { type: 'model_version', id: `${row.model_name}/${row.model_version}` },
  ];
}

/** Deployments recorded since the last poke, oldest first; a pending one waits for its outcome. The first poke reports the newest only. */
async function newRecords(ctx: ObserverContext, store: DeploymentStore, env: string): Promise<void> {
  const key = `seen:${env}`;
  const seen = await ctx.state.get<number>(key);
  const rows = (await store.list(env)).sort((a, b) => a.sequence - b.sequence);
  const finished = rows.filter((r) => r.status !== 'pending');
  const fresh = seen === undefined ? finished.slice(-1) : rows.filter((r) => r.sequence > seen);
  for (const row of fresh) {
    if (row.status === 'pending') break;
    const model = `${row.model_name}/${row.model_version}`;
    const what = row.image_reference ? `${model} (${row.image_reference})` : model;
    const failed = row.status === 'failed';
    const kind = failed ? 'deploy_failed' : row.reason === 'rollback' ? 'rolled_back' : 'deployed';
    const error = (JSON.parse(row.details) as DeploymentDetails).error;
    await ctx.emit({
      stage: 'deployment',
      kind,
      severity: failed ? 'warning' : 'info',
      summary: `${row.id}: ${failed ? `${row.reason} of ${what} failed${error ? `: ${error}` : ''}` : `${row.reason === 'rollback' ? 'rolled back to' : 'deployed'} ${what} on ${row.target}`} by ${row.actor}`,
      subjects: subjectsOf(row),
      details: { deployment: row.id, environment: env, target: row.target, status: row.status, reason: row.reason, image: row.image_reference, model, run_id: row.run_id, git_sha: row.git_sha, replaced: row.replaced_id, actor: row.actor },
      fingerprint: `deployment:${kind}:${row.id}`,
    });
    await ctx.state.set(key, row.sequence);
  }
}

async function checkManifests(ctx: ObserverContext, s: DeploymentSettings, env: string, current: DeploymentsTable | undefined): Promise<void> {
  let files: string[];
  if (s.manifests) files = manifestFiles(s.manifests.replaceAll('{env}', env), ctx.baseDir);
  else {
    const recorded = current && (JSON.parse(current.details) as DeploymentDetails).manifestsPath;
    files = typeof recorded === 'string' ? [recorded] : [];
  }
  const sharedFolder = Boolean(s.manifests) && !s.manifests!.includes('{env}') && s.environments.length > 1;
  for (const file of files) {
    const found = readManifestFile(file);
    // Without `{env}` in the path, a Deployment belongs to the environment its label names (or the only one configured).
    const mine = found.filter((d) => (d.environment ?? (sharedFolder ? null : env)) === env);
    if (mine.length === 0) continue;
    await reportDrift(ctx, env, path.relative(ctx.baseDir, file) || file, current, mine);
  }
}

/** One event when a source starts to differ (or differs differently), one when it agrees again; nothing while unchanged. */
async function reportDrift(ctx: ObserverContext, env: string, source: string, current: DeploymentsTable | undefined, running: RunningDeployment[]): Promise<void> {
  const key = `drift:${env}:${source}`;
  const findings = running
    .map((d) => ({ name: d.name, namespace: d.namespace, fields: current ? driftFromRecord(current, d) : [{ field: 'deployment', recorded: null, running: d.deploymentId ?? d.image }] }))
    .filter((f) => f.fields.length > 0);
  const signature = findings.length > 0 ? canonicalJson({ deployment: current?.id ?? null, findings }) : null;
  const before = (await ctx.state.get<string | null>(key)) ?? null;
  if (signature === before) return;
  if (signature) {
    const fields = findings.flatMap((f) => f.fields);
    const image = fields.find((f) => f.field === 'image');
    const what = fields.map((f) => f.field).join(', ');
    await ctx.emit({
      stage: 'deployment',
      kind: 'drift_from_record',
      severity: 'error',
      summary: current
        ? `${env}: ${source} differs from ${current.id} in ${what}${image ? ` (runs ${image.running ?? 'no image'}, recorded ${image.recorded})` : ''}`
        : `${env}: ${source} runs ${running[0]!.image ?? 'something'} but ${env} has no current deployment on record`,
      subjects: [...(current ? subjectsOf(current) : []), ...fields.filter((f) => f.field === 'image' && f.running && imageDigest(f.running)).map((f) => ({ type: 'image' as const, id: f.running! }))],
      details: { environment: env, source, deployment: current?.id ?? null, findings, recorded_image_digest: imageDigest(current?.image_reference ?? null), running_image_digest: imageDigest(running[0]!.image) },
      fingerprint: `deployment:drift_from_record:${env}:${source}`,
    });
  } else if (before) {
    await ctx.emit({
      stage: 'deployment',
      kind: 'drift_resolved',
      severity: 'info',
      summary: `${env}: ${source} matches ${current?.id ?? 'the record'} again`,
      subjects: current ? subjectsOf(current) : [],
      details: { environment: env, source, deployment: current?.id ?? null },
      fingerprint: `deployment:drift_from_record:${env}:${source}`,
    });
  }
  await ctx.state.set(key, signature);
}

interface LocalSeen {
  deployment: string;
  up: boolean;
}

async function checkLocal(ctx: ObserverContext, current: DeploymentsTable, timeoutMs: number): Promise<void> {
  const key = `local:${current.environment}`;
  const details = JSON.parse(current.details) as DeploymentDetails;
  const probe = await probeLocal(current.id, details, timeoutMs);
  const seen = await ctx.state.get<LocalSeen>(key);
  // A new deployment starts from "up" (its deploy waited for /health): only a change is news.
  const wasUp = seen?.deployment === current.id ? seen.up : true;
  if (probe.up !== wasUp) {
    const why = !probe.alive ? `its server (pid ${probe.pid ?? 'unknown'}) is not running` : `GET ${probe.url}/health: ${probe.health}`;
    await ctx.emit({
      stage: 'deployment',
      kind: probe.up ? 'deployment_recovered' : 'deployment_down',
      severity: probe.up ? 'info' : 'error',
      summary: probe.up ? `${current.id} is up again (${probe.url ?? `pid ${probe.pid}`})` : `${current.id} is down: ${why}`,
      subjects: subjectsOf(current),
      details: { deployment: current.id, environment: current.environment, ...probe },
      fingerprint: `deployment:deployment_down:${current.id}`,
    });
  }
  if (seen?.deployment !== current.id || seen.up !== probe.up) await ctx.state.set(key, { deployment: current.id, up: probe.up } satisfies LocalSeen);
}

