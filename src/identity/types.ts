/** Global roles, weakest first. `none` has only what its grants give. */
export const roles = ['none', 'viewer', 'editor', 'admin'] as const;
export type Role = (typeof roles)[number];

/** Per-resource permissions, weakest first (MLflow's names). */
export const permissions = ['READ', 'EDIT', 'MANAGE'] as const;
export type Permission = (typeof permissions)[number];

export const resourceTypes = ['experiment', 'model', 'environment'] as const;
export type ResourceType = (typeof resourceTypes)[number];

/** What a token may be used for, whatever its principal may do otherwise. */
export const scopes = ['read', 'write', 'admin'] as const;
export type Scope = (typeof scopes)[number];

export type PrincipalKind = 'user' | 'service';

export interface Principal {
  id: string;
  name: string;
  kind: PrincipalKind;
  role: Role;
  /** `local`, or the OIDC issuer that vouches for this principal. */
  source: string;
  createdAt: number;
  disabled: boolean;
}

export interface Grant {
  principal: string;
  resourceType: ResourceType;
  resourceName: string;
  permission: Permission;
  grantedAt: number;
}

/** A token as listed: never the secret, only its first characters. */
export interface ApiTokenInfo {
  id: string;
  principal: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

/** A token just made: the only time its secret is seen. */
export interface CreatedToken extends ApiTokenInfo {
  token: string;
}

/** Who is asking, with what they may do: the caller of one request. */
export interface Caller {
  name: string;
  role: Role;
  grants: readonly Pick<Grant, 'resourceType' | 'resourceName' | 'permission'>[];
  /** The token's scopes when the caller came with one; all scopes otherwise. */
  scopes: readonly Scope[];
  /** How the caller proved who it is. */
  via: 'token' | 'password' | 'oidc' | 'session' | 'local';
}

export interface AuditRecord {
  id: string;
  time: number;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  before: unknown;
  after: unknown;
  requestId: string | null;
}

export interface ListAuditQuery {
  actor?: string;
  action?: string;
  subjectType?: string;
  subjectId?: string;
  /** Epoch ms, or a duration like `24h` back from now. */
  since?: number | string;
  limit?: number;
}
