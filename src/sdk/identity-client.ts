import type { IdentityApi, WhoAmI } from '../identity/api.js';
import type { ApiTokenInfo, AuditRecord, CreatedToken, Grant, ListAuditQuery, Permission, Principal, PrincipalKind, ResourceType, Role, Scope } from '../identity/types.js';
import type { HttpTransport } from './http.js';
import { ThreadlineApiError } from './errors.js';

// Every scope (identity/types.ts), spelled out: the SDK imports no server module at run time.
const allScopes: Scope[] = ['read', 'write', 'admin'];

const part = encodeURIComponent;

/** Principals, grants, tokens and the audit log over HTTP. */
export function identityClient(http: HttpTransport): IdentityApi {
  return {
    /**
     * @example
     * const { principal, role } = await tl.whoami();
     */
    async whoami(): Promise<WhoAmI> {
      const session = await http.call<WhoAmI>('GET', '/api/auth/session');
      return { principal: session.principal, role: session.role, via: session.via };
    },

    /**
     * @example
     * const people = await tl.listPrincipals();
     */
    async listPrincipals(): Promise<Principal[]> {
      return (await http.call<{ principals: Principal[] }>('GET', '/api/principals')).principals;
    },

    /**
     * @example
     * const ana = await tl.getPrincipal('ana');
     */
    getPrincipal(name: string): Promise<Principal> {
      return http.call('GET', `/api/principals/${part(name)}`);
    },

    /**
     * @example
     * await tl.createPrincipal({ name: 'ci-bot', kind: 'service', role: 'editor' });
     */
    createPrincipal(input: { name: string; kind?: PrincipalKind; role?: Role; password?: string }): Promise<Principal> {
      return http.call('POST', '/api/principals', input);
    },

    /**
     * @example
     * await tl.updatePrincipal('ana', { role: 'admin' });
     */
    updatePrincipal(name: string, change: { role?: Role; disabled?: boolean; password?: string }): Promise<Principal> {
      return http.call('PATCH', `/api/principals/${part(name)}`, change);
    },

    /**
     * @example
     * const grants = await tl.listGrants('ana');
     */
    async listGrants(principal: string): Promise<Grant[]> {
      return (await http.call<{ grants: Grant[] }>('GET', `/api/principals/${part(principal)}/grants`)).grants;
    },

    /**
     * @example
     * await tl.grant({ principal: 'ana', resourceType: 'environment', resourceName: 'staging', permission: 'EDIT' });
     */
    grant(input: { principal: string; resourceType: ResourceType; resourceName: string; permission: Permission }): Promise<Grant> {
      return http.call('PUT', `/api/principals/${part(input.principal)}/grants`, { resource_type: input.resourceType, resource_name: input.resourceName, permission: input.permission });
    },

    /**
     * @example
     * await tl.revokeGrant('ana', 'environment', 'staging');
     */
    revokeGrant(principal: string, resourceType: ResourceType, resourceName: string): Promise<void> {
      return http.call('DELETE', `/api/principals/${part(principal)}/grants/${part(resourceType)}/${part(resourceName)}`);
    },

    /**
     * @example
     * const { token } = await tl.createToken({ name: 'laptop', scopes: ['read', 'write'] }); // shown once
     */
    createToken(input: { name: string; principal?: string; scopes?: Scope[]; expiresInMs?: number }): Promise<CreatedToken> {
      return http.call('POST', '/api/tokens', { name: input.name, principal: input.principal, scopes: input.scopes, expires_in_ms: input.expiresInMs }, undefined, 'json', false);
    },

    /**
     * @example
     * const mine = await tl.listTokens();
     */
    async listTokens(principal?: string): Promise<ApiTokenInfo[]> {
      const query = principal === undefined ? '' : `?principal=${part(principal)}`;
      return (await http.call<{ tokens: ApiTokenInfo[] }>('GET', `/api/tokens${query}`)).tokens;
    },

    /**
     * @example
     * await tl.revokeToken(tokenId);
     */
    revokeToken(id: string): Promise<void> {
      return http.call('DELETE', `/api/tokens/${part(id)}`);
    },

    /**
     * @example
     * const moves = await tl.listAudit({ action: 'alias.set', since: '7d' });
     */
    async listAudit(query: ListAuditQuery = {}): Promise<AuditRecord[]> {
      const params = new URLSearchParams();
      if (query.actor) params.set('actor', query.actor);
      if (query.action) params.set('action', query.action);
      if (query.subjectType) params.set('subject_type', query.subjectType);
      if (query.subjectId) params.set('subject_id', query.subjectId);
      if (query.since !== undefined) params.set('since', String(query.since));
      if (query.limit !== undefined) params.set('limit', String(query.limit));
      return (await http.call<{ records: AuditRecord[] }>('GET', `/api/audit?${params}`)).records;
    },
  };
}

/**
 * A new token for `user`, made with their password (HTTP Basic, once): what `threadline login` does.
 * Like a browser session, it carries every scope: it can do what the user can (their role and
 * grants decide), no more.
 *
 * @example
 * const { token } = await loginWithPassword('https://tl.example.com', 'ana', password, 'ana@laptop');
 */
export async function loginWithPassword(url: string, user: string, password: string, tokenName: string): Promise<CreatedToken> {
  const response = await fetch(`${url.replace(/\/+$/, '')}/api/tokens`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: tokenName, scopes: allScopes }),
  });
  const body = (await response.json().catch(() => ({}))) as CreatedToken & { error_code?: string; message?: string };
  if (!response.ok) throw new ThreadlineApiError(body.error_code ?? 'INTERNAL', body.message ?? `HTTP ${response.status}`, response.status);
  return body;
}
