import type { Kysely } from 'kysely';
import type { ApiTokensTable, BrowserSessionsTable, Database } from '../store/schema.js';
import type { ApiTokenInfo, Scope } from './types.js';

/** SQL of API tokens and browser sessions: digests only, never the secrets. */
export class TokenStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: ApiTokensTable): Promise<void> {
    await this.db.insertInto('api_tokens').values(row).execute();
  }

  async byDigest(digest: string): Promise<ApiTokensTable | undefined> {
    return this.db.selectFrom('api_tokens').selectAll().where('token_hash', '=', digest).executeTakeFirst();
  }

  async byId(id: string): Promise<ApiTokensTable | undefined> {
    return this.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(principalId?: string): Promise<(ApiTokensTable & { principal: string })[]> {
    let q = this.db.selectFrom('api_tokens').innerJoin('principals', 'principals.id', 'api_tokens.principal_id').selectAll('api_tokens').select('principals.name as principal');
    if (principalId) q = q.where('api_tokens.principal_id', '=', principalId);
    return q.orderBy('api_tokens.created_at').execute();
  }

  /** Last use is kept to the minute, so that busy tokens do not write on every request. */
  async touch(id: string, at: number): Promise<void> {
    await this.db
      .updateTable('api_tokens')
      .set({ last_used_at: at })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at - 60_000)]))
      .execute();
  }

  async revoke(id: string, at: number): Promise<void> {
    await this.db.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
  }

  async insertSession(row: BrowserSessionsTable): Promise<void> {
    await this.db.insertInto('browser_sessions').values(row).execute();
  }

  async session(idHash: string): Promise<BrowserSessionsTable | undefined> {
    return this.db.selectFrom('browser_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
  }

  async removeSession(idHash: string): Promise<void> {
    await this.db.deleteFrom('browser_sessions').where('id_hash', '=', idHash).execute();
  }
}

export function toTokenInfo(row: ApiTokensTable & { principal: string }): ApiTokenInfo {
  return {
    id: row.id,
    principal: row.principal,
    name: row.name,
    prefix: row.prefix,
    scopes: JSON.parse(row.scopes) as Scope[],
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}
