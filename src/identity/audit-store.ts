import type { Kysely } from 'kysely';
import { parseSince } from '../duration.js';
import type { AuditLogTable, Database } from '../store/schema.js';
import type { AuditRecord, ListAuditQuery } from './types.js';

const defaultLimit = 100;
const maxLimit = 10_000;

/** SQL of the audit log: inserts and reads, never an update or a delete. */
export class AuditStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** `db` is the caller's transaction where it has one, so the record commits with the change. */
  async insert(row: AuditLogTable, db: Kysely<Database> = this.db): Promise<void> {
    await db.insertInto('audit_log').values(row).execute();
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
