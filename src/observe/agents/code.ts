import path from 'node:path';
import { z } from 'zod';
import { inspectCode } from '../../capture/git.js';
import { runGit } from '../../capture/git-command.js';
import { parseDuration } from '../../duration.js';
import { failedPrecondition, unavailable } from '../../errors.js';
import { ProvenanceStore } from '../../tracking/provenance-store.js';
import type { ObserverAgent } from '../agent.js';
import { runCheck, type CheckResult } from '../code/checks.js';
import { classifyChanges, makeClassifier, type ChangedPath } from '../code/classify.js';
import { changedPaths, commitSubject, fileAt, hasCommit, parentOf } from '../code/git-changes.js';
import { diffPackages, lockfileParser, type PackageDiff } from '../code/lockfile-diff.js';

const globs = z.array(z.string().min(1)).optional();
const settings = z
  .object({
    /** The repository, relative to threadline.yaml's folder; default that folder. */
    repo: z.string().optional(),
    /** Glob overrides by category: an entry replaces that category's defaults. */
    paths: z.object({ features: globs, manifests: globs, config: globs, dependencies: globs, data: globs, code: globs, docs: globs }).strict().default({}),
    /** Commands run on each new commit (through the shell, in the repo); non-zero exit = `check_failed`. */
    checks: z
      .array(
        z.object({
          name: z.string().min(1),
          command: z.string().min(1),
          timeout: z.union([z.string(), z.number()]).default('10m'),
        }),
      )
      .default([]),
  })
  .strict();

export type CodeSettings = z.infer<typeof settings>;

interface Seen {
  commit: string;
}

/**
 * The code stage: records the CodeVersion of HEAD on every poke (content-addressed, so a repeat is
 * a no-op) and, when HEAD moved since the last poke, reports the commit with its changed paths
 * by category, the dependency changes read from lockfiles, and the results of the checks.
 */
export const codeAgent: ObserverAgent<CodeSettings> = {
  stage: 'code',
  defaultInterval: '1m',
  settings,
  async poke(ctx, s) {
    const repo = path.resolve(ctx.baseDir, s.repo ?? '.');
    const capture = await inspectCode(repo, { storePatch: async (patch) => (await ctx.tl.artifacts.put(patch)).digest });
    if (!capture.code) throw failedPrecondition(`${repo}: no code version to record (${capture.reason})`);
    const code = capture.code;
    await new ProvenanceStore(ctx.tl.store.db).saveCode(code, Date.now());

    const seen = await ctx.state.get<Seen>('head');
    if (seen?.commit === code.commitSha) return;
    const root = code.repoRoot;
    // First poke, or a remembered commit that is gone (rebased away): the commit against its parent.
    const from = seen && (await hasCommit(root, seen.commit)) ? seen.commit : await parentOf(root, code.commitSha);
    const changes = await changedPaths(root, from, code.commitSha);
    const yaml = new Map<string, string | null>();
    for (const c of changes) if (/\.ya?ml$/.test(c.path) && c.status !== 'D') yaml.set(c.path, await fileAt(root, code.commitSha, c.path));
    const byCategory = classifyChanges(changes, makeClassifier(s.paths), (p) => yaml.get(p) ?? null);
    const checks: CheckResult[] = [];
    for (const check of s.checks) {
      if (ctx.signal.aborted) break;
      ctx.log(`check ${check.name}: ${check.command}`);
      checks.push(await runCheck(check, root, parseDuration(check.timeout, `check ${check.name} timeout`), ctx.signal));
    }
    // Stopped mid-checks: a killed check is no verdict, so nothing is reported and HEAD stays unseen for the next start.
    if (ctx.signal.aborted) throw unavailable(`stopped while the checks of ${code.commitSha.slice(0, 12)} ran: it is looked at again on the next start`);

    const subjects = [{ type: 'code' as const, id: code.id }];
    const short = code.commitSha.slice(0, 12);
    const meta = await commitSubject(root, code.commitSha);
    const commits = from ? await countCommits(root, from, code.commitSha) : 1;
    const counts = Object.entries(byCategory).map(([category, paths]) => `${paths.length} ${category}`).join(', ');
    await ctx.emit({
      stage: 'code',
      kind: 'commit',
      severity: 'info',
      summary: `${short} ${meta.subject}${commits > 1 ? ` (+${commits - 1} earlier)` : ''}: ${changes.length} path(s) changed${counts ? ` (${counts})` : ''}`,
      subjects,
      details: {
        commit: code.commitSha,
        previous: from,
        commits,
        branch: code.branch,
        author: meta.author,
        message: meta.subject,
        dirty: code.dirty,
        code_version: code.id,
        changes: byCategory,
        checks: checks.map(({ outputTail: _tail, ...rest }) => rest),
      },
      fingerprint: `code:commit:${code.commitSha}`,
    });

    const dependencies = await dependencyChanges(root, from, code.commitSha, changes, byCategory.dependencies ?? []);
    if (dependencies.length > 0) {
      const total = dependencies.reduce((n, d) => ({ added: n.added + (d.diff?.added.length ?? 0), removed: n.removed + (d.diff?.removed.length ?? 0), changed: n.changed + (d.diff?.changed.length ?? 0) }), { added: 0, removed: 0, changed: 0 });
      await ctx.emit({
        stage: 'code',
        kind: 'dependencies_changed',
        severity: 'warning',
        summary: `${short} changed dependencies in ${dependencies.map((d) => d.path).join(', ')}: ${total.added} added, ${total.removed} removed, ${total.changed} changed`,
        subjects,
        details: { commit: code.commitSha, previous: from, files: dependencies, ...total },
        fingerprint: `code:dependencies_changed:${code.commitSha}`,
      });
    }

    for (const check of checks.filter((c) => !c.ok)) {
      await ctx.emit({
        stage: 'code',
        kind: 'check_failed',
        severity: 'error',
        summary: `check '${check.name}' ${check.timedOut ? 'timed out' : `failed (exit ${check.exitCode ?? 'none'})`} on ${short}`,
        subjects,
        details: { commit: code.commitSha, ...check },
        fingerprint: `code:check_failed:${check.name}`,
      });
    }
    await ctx.state.set('head', { commit: code.commitSha } satisfies Seen);
  },
};

interface DependencyFile {
  path: string;
  status: string;
  /** null when the file is a dependency manifest we do not parse (package.json, pyproject.toml…) or could not read. */
  diff: PackageDiff | null;
}

async function dependencyChanges(repo: string, from: string | null, to: string, changes: ChangedPath[], paths: string[]): Promise<DependencyFile[]> {
  const out: DependencyFile[] = [];
  for (const change of changes.filter((c) => paths.includes(c.path))) {
    const parse = lockfileParser(change.path);
    let diff: PackageDiff | null = null;
    if (parse) {
      const before = from ? await fileAt(repo, from, change.path) : null;
      const after = change.status === 'D' ? null : await fileAt(repo, to, change.path);
      const oldPackages = before === null ? new Map<string, string>() : parse(before);
      const newPackages = after === null ? new Map<string, string>() : parse(after);
      if (oldPackages && newPackages) diff = diffPackages(oldPackages, newPackages);
    }
    out.push({ path: change.path, status: change.status, diff });
  }
  return out;
}

async function countCommits(repo: string, from: string, to: string): Promise<number> {
  const result = await runGit(repo, ['rev-list', '--count', `${from}..${to}`]);
  const n = Number(result.stdout.toString('utf8').trim());
  return result.code === 0 && Number.isFinite(n) && n > 0 ? n : 1;
}

