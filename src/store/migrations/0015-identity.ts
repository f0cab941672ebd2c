import type { Kysely } from 'kysely';

/**
 * Who may do what, and who did what. Principals are people and service accounts; their API tokens
 * and browser sessions are kept as sha256 digests only, never as the secret itself; a password is
 * kept as an scrypt hash. Grants give a principal READ, EDIT or MANAGE on one experiment,
 * registered model or environment, beyond its global role. The audit log is append-only: one
 * row per mutation, naming the principal and the request.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('principals')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(256)', (c) => c.notNull().unique())
    // user | service (a service account: tokens only, no password)
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    // viewer | editor | admin | none (only what its grants give)
    .addColumn('role', 'varchar(16)', (c) => c.notNull())
    // `scrypt$N$r$p$salt$hash`, base64url parts; null for service accounts and SSO users.
    .addColumn('password_hash', 'text')
    // Where the principal comes from: `local`, or the OIDC issuer that vouches for it.
    .addColumn('source', 'varchar(512)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('principal_id', 'varchar(36)', (c) => c.notNull().references('principals.id'))
    .addColumn('name', 'varchar(256)', (c) => c.notNull())
    .addColumn('token_hash', 'varchar(80)', (c) => c.notNull().unique())
    // The first characters of the token, to tell tokens apart in a list without revealing them.
    .addColumn('prefix', 'varchar(16)', (c) => c.notNull())
    // JSON array of scopes: `read`, `write`, `admin`.
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('api_tokens_principal').on('api_tokens').column('principal_id').execute();

  await db.schema
    .createTable('grants')
    .addColumn('principal_id', 'varchar(36)', (c) => c.notNull().references('principals.id'))
    // experiment | model | environment
    .addColumn('resource_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('resource_name', 'varchar(512)', (c) => c.notNull())
    // READ | EDIT | MANAGE
    .addColumn('permission', 'varchar(8)', (c) => c.notNull())
    .addColumn('granted_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('grants_pk', ['principal_id', 'resource_type', 'resource_name'])
    .execute();

  await db.schema
    .createTable('browser_sessions')
    .addColumn('id_hash', 'varchar(80)', (c) => c.primaryKey())
    .addColumn('principal_id', 'varchar(36)', (c) => c.notNull().references('principals.id'))
    .addColumn('csrf_hash', 'varchar(80)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('time', 'bigint', (c) => c.notNull())
    .addColumn('actor', 'varchar(256)', (c) => c.notNull())
    .addColumn('action', 'varchar(64)', (c) => c.notNull())
    // What was changed: an entity type and its id (`model_version`, `amazon-recommender/7`).
    .addColumn('subject_type', 'varchar(32)', (c) => c.notNull())
    .addColumn('subject_id', 'varchar(512)', (c) => c.notNull())
    // JSON: the state before and after, where there is one.
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .addColumn('request_id', 'varchar(64)')
    .execute();
  await db.schema.createIndex('audit_log_time').on('audit_log').column('time').execute();
  await db.schema.createIndex('audit_log_subject').on('audit_log').columns(['subject_type', 'subject_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['audit_log', 'browser_sessions', 'grants', 'api_tokens', 'principals']) await db.schema.dropTable(table).execute();
}
