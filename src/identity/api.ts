import type { ApiTokenInfo, AuditRecord, CreatedToken, Grant, ListAuditQuery, Permission, Principal, PrincipalKind, ResourceType, Role, Scope } from './types.js';

/** Who the caller is, as the server sees it. */
export interface WhoAmI {
  principal: string;
  role: Role;
  via: string;
}

/**
 * Identity and the audit log, as the CLI and user code ask for them: the identity part of the
 * ThreadlineApi contract, over a server (the SDK's identity client) or embedded (straight on the
 * store, where the local user is the admin who creates the first principals).
 */
export interface IdentityApi {
  whoami(): Promise<WhoAmI>;
  listPrincipals(): Promise<Principal[]>;
  getPrincipal(name: string): Promise<Principal>;
  createPrincipal(input: { name: string; kind?: PrincipalKind; role?: Role; password?: string }): Promise<Principal>;
  /** Checked whole before any of it is applied. */
  updatePrincipal(name: string, change: { role?: Role; disabled?: boolean; password?: string }): Promise<Principal>;
  listGrants(principal: string): Promise<Grant[]>;
  grant(input: { principal: string; resourceType: ResourceType; resourceName: string; permission: Permission }): Promise<Grant>;
  revokeGrant(principal: string, resourceType: ResourceType, resourceName: string): Promise<void>;
  /** For `principal`, or the caller when absent; the secret is in the answer only. */
  createToken(input: { name: string; principal?: string; scopes?: Scope[]; expiresInMs?: number }): Promise<CreatedToken>;
  listTokens(principal?: string): Promise<ApiTokenInfo[]>;
  revokeToken(id: string): Promise<void>;
  listAudit(query?: ListAuditQuery): Promise<AuditRecord[]>;
}
