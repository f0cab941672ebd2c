import { alreadyExists, failedPrecondition, invalidArgument, notFound, parseWith, permissionDenied } from '../errors.js';
import { newUuid } from '../ids.js';
import { isUniqueViolation } from '../store/conflicts.js';
import type { Store } from '../store/database.js';
import type { PrincipalsTable } from '../store/schema.js';
import type { AuditSink } from './audit-log.js';
import { PrincipalStore, toPrincipal } from './principal-store.js';
import { hashPassword, newSecret, secretDigest, verifyPassword } from './secrets.js';
import { currentRequest } from './request-context.js';
import { TokenStore, toTokenInfo } from './token-store.js';
import { scopes as allScopes, type ApiTokenInfo, type Caller, type CreatedToken, type Grant, type Permission, type Principal, type ResourceType, type Role, type Scope } from './types.js';
import { createPrincipalSchema, createTokenSchema, grantSchema, passwordSchema, principalNameSchema, updatePrincipalSchema } from './validation.js';
import { z } from 'zod';

/** Users, service accounts, their tokens, grants and browser sessions; every change audited. */
export class IdentityService {
  private readonly principals: PrincipalStore;
  private readonly tokens: TokenStore;

  constructor(
    store: Store,
    private readonly audit: AuditSink,
  ) {
    this.principals = new PrincipalStore(store.db);
    this.tokens = new TokenStore(store.db);
  }

  /** Whether anyone could log in: a server off loopback needs this (or SSO) to start. */
  async hasPrincipals(): Promise<boolean> {
    return (await this.principals.count()) > 0;
  }

  async createPrincipal(raw: { name: string; kind?: 'user' | 'service'; role?: Role; password?: string }, source = 'local'): Promise<Principal> {
    const input = parseWith(createPrincipalSchema, raw, 'Invalid principal');
    if (input.kind === 'service' && input.password !== undefined) throw invalidArgument('service accounts authenticate with tokens, not passwords');
    const row: PrincipalsTable = {
      id: newUuid(),
      name: input.name,
      kind: input.kind,
      role: input.role,
      password_hash: input.password === undefined ? null : await hashPassword(input.password),
      source,
      created_at: Date.now(),
      disabled: 0,
    };
    try {
      await this.principals.insert(row);
    } catch (error) {
      if (isUniqueViolation(error)) throw alreadyExists(`principal '${input.name}' already exists`, { name: input.name });
      throw error;
    }
    const principal = toPrincipal(row);
    await this.audit.record({ action: 'principal.create', subjectType: 'principal', subjectId: principal.name, after: { kind: principal.kind, role: principal.role, source } });
    return principal;
  }

  async getPrincipal(name: string): Promise<Principal> {
    return toPrincipal(await this.row(name));
  }

  async listPrincipals(): Promise<Principal[]> {
    return (await this.principals.list()).map(toPrincipal);
  }

  /** A role, password and enabled change at once: all of it is checked before any of it is applied. */
  async updatePrincipal(name: string, raw: { role?: Role; disabled?: boolean; password?: string }): Promise<Principal> {
    const change = parseWith(updatePrincipalSchema, raw, 'Invalid principal change');
    const row = await this.row(name);
    if (change.password !== undefined && row.kind === 'service') throw invalidArgument('service accounts authenticate with tokens, not passwords');
    if (change.role !== undefined) await this.setRole(name, change.role);
    if (change.disabled !== undefined) await this.setDisabled(name, change.disabled);
    if (change.password !== undefined) await this.setPassword(name, change.password);
    return this.getPrincipal(name);
  }

  async setRole(name: string, role: Role): Promise<Principal> {
    const parsed = parseWith(createPrincipalSchema.shape.role, role, 'Invalid role');
    const row = await this.row(name);
    await this.principals.update(row.id, { role: parsed });
    await this.audit.record({ action: 'principal.role', subjectType: 'principal', subjectId: name, before: { role: row.role }, after: { role: parsed } });
    return this.getPrincipal(name);
  }

  async setPassword(name: string, password: string): Promise<void> {
    const parsed = parseWith(passwordSchema, password, 'Invalid password');
    const row = await this.row(name);
    if (row.kind === 'service') throw invalidArgument('service accounts authenticate with tokens, not passwords');
    await this.principals.update(row.id, { password_hash: await hashPassword(parsed) });
    await this.audit.record({ action: 'principal.password', subjectType: 'principal', subjectId: name });
  }

  async setDisabled(name: string, disabled: boolean): Promise<void> {
    const row = await this.row(name);
    await this.principals.update(row.id, { disabled: disabled ? 1 : 0 });
    await this.audit.record({ action: disabled ? 'principal.disable' : 'principal.enable', subjectType: 'principal', subjectId: name });
  }

  async grant(raw: { principal: string; resourceType: ResourceType; resourceName: string; permission: Permission }): Promise<Grant> {
    const input = parseWith(grantSchema, raw, 'Invalid grant');
    const row = await this.row(input.principal);
    const before = (await this.principals.grantsOf(row.id)).find((g) => g.resourceType === input.resourceType && g.resourceName === input.resourceName);
    await this.principals.putGrant(row.id, input.resourceType, input.resourceName, input.permission, Date.now());
    await this.audit.record({
      action: 'grant.set',
      subjectType: input.resourceType,
      subjectId: input.resourceName,
      before: before ? { principal: input.principal, permission: before.permission } : undefined,
      after: { principal: input.principal, permission: input.permission },
    });
    return (await this.principals.grantsOf(row.id)).find((g) => g.resourceType === input.resourceType && g.resourceName === input.resourceName)!;
  }

  async revokeGrant(principal: string, resourceType: ResourceType, resourceName: string): Promise<void> {
    parseWith(grantSchema.shape.resourceType, resourceType, 'Invalid grant resource type');
    const row = await this.row(principal);
    const removed = await this.principals.removeGrant(row.id, resourceType, resourceName);
    if (removed === 0) throw notFound(`${principal} has no grant on ${resourceType} '${resourceName}'`);
    await this.audit.record({ action: 'grant.revoke', subjectType: resourceType, subjectId: resourceName, before: { principal } });
  }

  async listGrants(principal: string): Promise<Grant[]> {
    return this.principals.grantsOf((await this.row(principal)).id);
  }

  /** The token's secret is in the answer and nowhere else: only its digest is stored. */
  async createToken(raw: { principal: string; name: string; scopes?: string[]; expiresInMs?: number }): Promise<CreatedToken> {
    const input = parseWith(createTokenSchema, raw, 'Invalid token');
    this.mayManageTokensOf(input.principal);
    input.scopes = this.scopesWithinCaller(input.scopes, raw.scopes !== undefined);
    const row = await this.row(input.principal);
    const token = newSecret();
    const now = Date.now();
    const id = newUuid();
    await this.tokens.insert({
      id,
      principal_id: row.id,
      name: input.name,
      token_hash: secretDigest(token),
      prefix: token.slice(0, 10),
      scopes: JSON.stringify(input.scopes),
      created_at: now,
      expires_at: input.expiresInMs === undefined ? null : now + input.expiresInMs,
      last_used_at: null,
      revoked_at: null,
    });
    await this.audit.record({ action: 'token.create', subjectType: 'token', subjectId: id, after: { principal: row.name, name: input.name, scopes: input.scopes } });
    const info = toTokenInfo({ ...(await this.tokens.byId(id))!, principal: row.name });
    return { ...info, token };
  }

  /**
   * A token can do no more than the credential that makes it (a read-only token must not mint a
   * writer): asked-for scopes beyond the caller's are refused, the default ones trimmed to them.
   * Embedded use has no caller, and a password, session or SSO caller holds every scope.
   */
  private scopesWithinCaller(wanted: Scope[], asked: boolean): Scope[] {
    const held = currentRequest()?.caller?.scopes;
    if (!held) return wanted;
    const beyond = wanted.filter((scope) => !held.includes(scope));
    if (beyond.length === 0) return wanted;
    if (asked) throw permissionDenied(`a token with the ${beyond.join(', ')} scope can be made only with a credential that has it`);
    const within = wanted.filter((scope) => held.includes(scope));
    return within.length > 0 ? within : [...held];
  }

  /** Every token for an admin (or `principal`'s); anyone else sees only their own. */
  async listTokens(principal?: string): Promise<ApiTokenInfo[]> {
    const caller = currentRequest()?.caller;
    if (principal === undefined && caller && caller.role !== 'admin') principal = caller.name;
    if (principal !== undefined) this.mayManageTokensOf(principal);
    const rows = await this.tokens.list(principal === undefined ? undefined : (await this.row(principal)).id);
    return rows.map(toTokenInfo);
  }

  async getToken(id: string): Promise<ApiTokenInfo> {
    const row = z.uuid().safeParse(id).success ? await this.tokens.byId(id) : undefined;
    if (!row) throw notFound(`no token with id '${id}'`);
    const owner = await this.principals.byId(row.principal_id);
    return toTokenInfo({ ...row, principal: owner?.name ?? '' });
  }

  async revokeToken(id: string): Promise<void> {
    const token = await this.getToken(id);
    this.mayManageTokensOf(token.principal);
    if (token.revokedAt !== null) throw failedPrecondition(`token '${id}' is already revoked`);
    await this.tokens.revoke(id, Date.now());
    await this.audit.record({ action: 'token.revoke', subjectType: 'token', subjectId: id, before: { principal: token.principal, name: token.name } });
  }

  /** Tokens are a principal's own; an admin may manage anyone's, and so may embedded use (no caller). */
  private mayManageTokensOf(principal: string): void {
    const caller = currentRequest()?.caller;
    if (caller && caller.role !== 'admin' && caller.name !== principal) throw permissionDenied(`${caller.name} may manage only their own tokens`);
  }

  /** The caller a token stands for, or undefined when it is unknown, expired, revoked or its principal disabled. */
  async callerForToken(secret: string): Promise<Caller | undefined> {
    const row = await this.tokens.byDigest(secretDigest(secret));
    const now = Date.now();
    if (!row || row.revoked_at !== null || (row.expires_at !== null && row.expires_at <= now)) return undefined;
    const principal = await this.principals.byId(row.principal_id);
    if (!principal || principal.disabled === 1) return undefined;
    await this.tokens.touch(row.id, now);
    return this.callerOf(principal, JSON.parse(row.scopes) as Caller['scopes'], 'token');
  }

  /** The caller a name and password stand for; a token may be given as the password too (MLflow clients with only Basic auth). */
  async callerForPassword(name: string, password: string): Promise<Caller | undefined> {
    if (password.startsWith('tlt_')) {
      const caller = await this.callerForToken(password);
      return caller && caller.name === name ? caller : undefined;
    }
    const principal = principalNameSchema.safeParse(name).success ? await this.principals.byName(name) : undefined;
    if (!principal || principal.disabled === 1 || principal.password_hash === null) return undefined;
    if (!(await verifyPassword(password, principal.password_hash))) return undefined;
    return this.callerOf(principal, allScopes, 'password');
  }

  /** A single-sign-on subject: created on first sight (role from the issuer's groups), its role kept in step after. */
  async callerForSso(name: string, issuer: string, role: Role): Promise<Caller | undefined> {
    let principal = await this.principals.byName(name);
    if (!principal) {
      try {
        await this.createPrincipal({ name, kind: 'user', role }, issuer);
      } catch (error) {
        if ((error as { code?: string }).code !== 'ALREADY_EXISTS') throw error;
      }
      principal = (await this.principals.byName(name))!;
    }
    if (principal.source !== issuer || principal.disabled === 1) return undefined;
    if (principal.role !== role) {
      await this.principals.update(principal.id, { role });
      await this.audit.record({ action: 'principal.role', subjectType: 'principal', subjectId: name, before: { role: principal.role }, after: { role, from: issuer } });
      principal = { ...principal, role };
    }
    return this.callerOf(principal, allScopes, 'oidc');
  }

  /** A browser session: its id for the cookie and a CSRF token for the page; both kept as digests. */
  async openSession(name: string, ttlMs: number): Promise<{ sessionId: string; csrfToken: string; expiresAt: number }> {
    const row = await this.row(name);
    const sessionId = newSecret('tls_');
    const csrfToken = newSecret('tlc_');
    const now = Date.now();
    await this.tokens.insertSession({ id_hash: secretDigest(sessionId), principal_id: row.id, csrf_hash: secretDigest(csrfToken), created_at: now, expires_at: now + ttlMs });
    return { sessionId, csrfToken, expiresAt: now + ttlMs };
  }

  /** The caller of a session cookie, and whether `csrfToken` matches it (state-changing requests need it). */
  async callerForSession(sessionId: string, csrfToken: string | undefined): Promise<{ caller: Caller; csrfOk: boolean } | undefined> {
    const session = await this.tokens.session(secretDigest(sessionId));
    if (!session || session.expires_at <= Date.now()) return undefined;
    const principal = await this.principals.byId(session.principal_id);
    if (!principal || principal.disabled === 1) return undefined;
    const csrfOk = csrfToken !== undefined && secretDigest(csrfToken) === session.csrf_hash;
    return { caller: await this.callerOf(principal, allScopes, 'session'), csrfOk };
  }

  async closeSession(sessionId: string): Promise<void> {
    await this.tokens.removeSession(secretDigest(sessionId));
  }

  private async callerOf(principal: PrincipalsTable, scopes: Caller['scopes'], via: Caller['via']): Promise<Caller> {
    const grants = await this.principals.grantsOf(principal.id);
    return { name: principal.name, role: principal.role as Role, grants, scopes, via };
  }

  private async row(name: string): Promise<PrincipalsTable> {
    const row = principalNameSchema.safeParse(name).success ? await this.principals.byName(name) : undefined;
    if (!row) throw notFound(`no principal named '${name}'`, { name });
    return row;
  }
}
