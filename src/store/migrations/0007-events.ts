import type { Kysely } from 'kysely';

/**
 * Observer events, what the observers remember between pokes, and alert deliveries.
 * An event's subjects are lineage edges (event → subject, relation `about`), so `trace X
 * --downstream` lists the events about X and every entity type can be a subject.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('events')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('time', 'bigint', (c) => c.notNull())
    .addColumn('stage', 'varchar(32)', (c) => c.notNull())
    .addColumn('kind', 'varchar(128)', (c) => c.notNull())
    .addColumn('severity', 'varchar(16)', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    // JSON: what the observer saw (diffs, scores, thresholds).
    .addColumn('details', 'text', (c) => c.notNull())
    // Which configured observer recorded it (`data:orders`), or the client that posted it.
    .addColumn('source', 'varchar(256)')
    // Same key within an observer = the same finding; alert rules dedupe on it.
    .addColumn('fingerprint', 'varchar(256)')
    .execute();
  await db.schema.createIndex('events_time').on('events').column('time').execute();
  await db.schema.createIndex('events_stage_time').on('events').columns(['stage', 'time']).execute();

  // Key/value memory of each observer (last ETag seen, last data digest, last run compared…),
  // and its health: last poke, last success, last error.
  await db.schema
    .createTable('observer_state')
    .addColumn('observer', 'varchar(256)', (c) => c.notNull())
    .addColumn('key', 'varchar(256)', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('observer_state_pk', ['observer', 'key'])
    .execute();

  // One row per (rule, notifier, event) delivery attempt; cooldown and dedupe read it, so they
  // hold across processes (`threadline observe --once` in CI is a new process each time).
  await db.schema
    .createTable('alert_deliveries')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('rule', 'varchar(256)', (c) => c.notNull())
    .addColumn('notifier', 'varchar(256)', (c) => c.notNull())
    .addColumn('event_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('fingerprint', 'varchar(256)')
    .addColumn('time', 'bigint', (c) => c.notNull())
    // sent | suppressed | failed
    .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('alert_deliveries_rule_time').on('alert_deliveries').columns(['rule', 'time']).execute();
}
