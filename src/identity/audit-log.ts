import type { Kysely } from 'kysely';
import { newUuid } from '../ids.js';
import type { Store } from '../store/database.js';
import type { Database } from '../store/schema.js';
import { AuditStore } from './audit-store.js';
import { actorOf, currentRequest } from './request-context.js';
import type { AuditRecord, ListAuditQuery } from './types.js';
import { auditQuerySchema } from './validation.js';
import { parseWith } from '../errors.js';

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
  /** `trx`: the caller's transaction, so that the record commits (or not) with the change. */
  record(entry: AuditEntry, trx?: Kysely<Database>): Promise<void>;
}

/** The append-only audit log: who, when, what, from what, in which request. */
export class AuditLog implements AuditSink {
  private readonly records: AuditStore;

  constructor(store: Store) {
    this.records = new AuditStore(store.db);
  }

  async record(entry: AuditEntry, trx?: Kysely<Database>): Promise<void> {
    await this.records.insert(
      {
        id: newUuid(),
        time: Date.now(),
        actor: actorOf(entry.actor),
        action: entry.action,
        subject_type: entry.subjectType,
        subject_id: entry.subjectId,
        before: entry.before === undefined ? null : JSON.stringify(entry.before),
        after: entry.after === undefined ? null : JSON.stringify(entry.after),
        request_id: currentRequest()?.requestId ?? null,
      },
      trx,
    );
  }

  /** Newest first. */
  async list(query: ListAuditQuery = {}): Promise<AuditRecord[]> {
    return this.records.list(parseWith(auditQuerySchema, query, 'Invalid audit query'));
  }
}
