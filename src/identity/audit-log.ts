import type { Kysely } from 'kysely';
import { newUuid } from '../ids.js';
import { parseSince } from '../duration.js';
import type { Database } from '../store/schema.js';
import { actorOf, currentRequest } from './request-context.js';
import type { AuditRecord, ListAuditQuery } from './types.js';

/** One mutation, as a domain service reports it; who and which request come from the request context. */
export interface AuditEntry {
  action: string;
  subjectType: string;
  subjectId: string;
  before?: unknown;
  after?: unknown;
  /** Who the client says it is; an authenticated caller overrides it (see actorOf). */
  actor?: string;
}

/** What domain services need of the audit log: a place to write one record per mutation. */
export interface AuditSink {
  record(entry: AuditEntry, db?: Kysely<Database>): Promise<void>;
}

const defaultLimit = 100;
const maxLimit = 10_000;

/** The append-only audit log: inserts and reads, never an update or a delete. */
export class AuditLog implements AuditSink {
  constructor(private readonly db: Kysely<Database>) {}

  /** `db` is the caller's transaction where it has one, so the record commits with the change. */
  async record(entry: AuditEntry, db: Kysely<Database> = this.db): Promise<void> {
    await db
      .insertInto('audit_log')
      .values({
        id: newUuid(),
        time: Date.now(),
        actor: actorOf(entry.actor),
        action: entry.action,
        subject_type: entry.subjectType,
        subject_id: entry.subjectId,
        before: entry.before === undefined ? null : JSON.stringify(entry.before),
        after: entry.after === undefined ? null : JSON.stringify(entry.after),
        request_id: currentRequest()?.requestId ?? null,
      })
      .execute();
  }

  /** Newest first. */
  async list(query: ListAuditQuery = {}): Promise<AuditRecord[]> {
    let q = this.db.selectFrom('audit_log').selectAll();
    if (query.actor) q = q.where('actor', '=', query.actor);
    if (query.action) q = q.where('action', '=', query.action);
    if (query.subjectType) q = q.where('subject_type', '=', query.subjectType);
    if (query.subjectId) q = q.where('subject_id', '=', query.subjectId);
    if (query.since !== undefined) q = q.where('time', '>=', parseSince(query.since));
    const limit = Math.min(Math.max(1, Math.trunc(Number(query.limit ?? defaultLimit)) || defaultLimit), maxLimit);
    const rows = await q.orderBy('time', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      id: r.id,
      time: r.time,
      actor: r.actor,
      action: r.action,
      subjectType: r.subject_type,
      subjectId: r.subject_id,
      before: r.before === null ? null : JSON.parse(r.before),
      after: r.after === null ? null : JSON.parse(r.after),
      requestId: r.request_id,
    }));
  }
}
