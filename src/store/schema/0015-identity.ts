// Principals, their tokens, grants and sessions, and the audit log (migration 0015).

export interface PrincipalsTable {
  id: string;
  name: string;
  kind: string;
  role: string;
  password_hash: string | null;
  source: string;
  created_at: number;
  disabled: number;
}

/** Only the sha256 of a token is kept; the token itself is shown once, when it is made. */
export interface ApiTokensTable {
  id: string;
  principal_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  scopes: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface GrantsTable {
  principal_id: string;
  resource_type: string;
  resource_name: string;
  permission: string;
  granted_at: number;
}

export interface BrowserSessionsTable {
  id_hash: string;
  principal_id: string;
  csrf_hash: string;
  created_at: number;
  expires_at: number;
}

/** Append-only: rows are inserted, never updated or deleted. */
export interface AuditLogTable {
  id: string;
  time: number;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string;
  before: string | null;
  after: string | null;
  request_id: string | null;
}

export interface IdentityTables {
  principals: PrincipalsTable;
  api_tokens: ApiTokensTable;
  grants: GrantsTable;
  browser_sessions: BrowserSessionsTable;
  audit_log: AuditLogTable;
}
