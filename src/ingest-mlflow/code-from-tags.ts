import type { Kysely } from 'kysely';
import { digestJson } from '../capture/canonical.js';
import { redactUrl } from '../capture/redact.js';
import type { CodeVersion } from '../capture/types.js';
import { LookupStore } from '../lineage/lookup-store.js';
import type { Database } from '../store/schema.js';
import { ProvenanceStore } from '../tracking/provenance-store.js';
import { mlflowTags as t } from './tag-names.js';

/** What a run's tags say about the code it ran: MLflow's git tags, a Databricks Repo's, or the seed's GIT_SHA. */
export interface CodeTags {
  commit: string;
  /** Credentials already removed. */
  remoteUrl: string | null;
  branch: string | null;
  dirty: boolean;
  /** `mlflow.source.git.diff` (MLflow 3's git versioning), when the checkout was dirty. */
  diff: string | null;
}

const fullSha = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const shortSha = /^[0-9a-f]{7,63}$/;

/**
 * The tags' code, or null when they name no commit. MLflow's own tags win over a Databricks
 * Repo's, and both over the seed's GIT_SHA: they are read from the checkout that ran, GIT_SHA
 * from what the release pipeline meant to run.
 */
export function codeTagsOf(tags: Record<string, string>): CodeTags | null {
  const value = (key: string) => tags[key]?.trim() || null;
  const commit = (value(t.gitCommit) ?? value(t.databricksGitRepoCommit) ?? value(t.seedGitSha))?.toLowerCase();
  if (!commit || !shortSha.test(commit)) return null;
  const remote = value(t.gitRepoUrl) ?? value(t.databricksGitRepoUrl);
  const databricksBranch = value(t.databricksGitRepoReferenceType)?.toLowerCase() === 'branch' ? value(t.databricksGitRepoReference) : null;
  const dirty = value(t.gitDirty)?.toLowerCase() === 'true';
  return { commit, remoteUrl: remote ? redactUrl(remote) : null, branch: value(t.gitBranch) ?? databricksBranch, dirty, diff: dirty ? value(t.gitDiff) : null };
}

/**
 * The CodeVersion the tags name, with the identity `captureCode` gives (sha256 over remote,
 * commit and patch digest), so a `threadline run` of the same clean commit of the same remote is
 * the same entity. Without a remote the commit is looked up among the code versions already
 * recorded (a clean one, preferably with a remote); a short commit must match exactly one. Null
 * when the tags name no usable commit.
 */
export async function codeVersionFromTags(
  db: Kysely<Database>,
  tags: Record<string, string>,
  storePatch: (bytes: Buffer) => Promise<string>,
): Promise<CodeVersion | null> {
  const code = codeTagsOf(tags);
  if (!code) return null;
  const lookup = new LookupStore(db);
  let commit = code.commit;
  if (!fullSha.test(commit)) {
    const commits = new Set((await lookup.codeByCommitPrefix(commit, 20)).map((m) => m.commitSha));
    if (commits.size !== 1) return null;
    commit = [...commits][0]!;
  }
  if (!code.remoteUrl && !code.dirty) {
    const known = (await lookup.codeByCommitPrefix(commit, 20)).filter((m) => m.commitSha === commit && !m.dirty);
    const best = known.find((m) => m.remoteUrl) ?? known[0];
    const existing = best && (await new ProvenanceStore(db).code(best.id));
    if (existing) return existing;
  }
  const patchDigest = code.diff ? await storePatch(Buffer.from(code.diff, 'utf8')) : null;
  const repoRoot = '';
  // A dirty checkout whose diff MLflow did not send must still differ from the clean one.
  const id = digestJson({ repo: code.remoteUrl ?? repoRoot, commit, patchDigest, ...(code.dirty && !patchDigest && { dirty: true }) });
  return { id, repoRoot, remoteUrl: code.remoteUrl, commitSha: commit, branch: code.branch, dirty: code.dirty, patchDigest };
}
