import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, freshStore } from '../../test/dialects.js';
import type { Store } from '../store/database.js';
import { AuditLog } from './audit-log.js';
import { IdentityService } from './identity-service.js';
import { allows } from './permissions.js';
import { withRequestContext } from './request-context.js';
import { verifyPassword } from './secrets.js';

describe.each(dialects)('identity on %s', (dialect) => {
  let store: Store;
  let audit: AuditLog;
  let identity: IdentityService;

  beforeAll(async () => {
    store = await freshStore(dialect);
    audit = new AuditLog(store);
    identity = new IdentityService(store, audit);
  });
  afterAll(() => store.close());

  it('keeps a password only as an scrypt hash and checks it', async () => {
    expect(await identity.hasPrincipals()).toBe(false);
    await identity.createPrincipal({ name: 'ana', role: 'editor', password: 'correct horse battery' });
    const row = await store.db.selectFrom('principals').selectAll().where('name', '=', 'ana').executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row.password_hash).not.toContain('correct horse');
    expect(await verifyPassword('correct horse battery', row.password_hash!)).toBe(true);
    expect((await identity.callerForPassword('ana', 'correct horse battery'))?.role).toBe('editor');
    expect(await identity.callerForPassword('ana', 'wrong horse battery')).toBeUndefined();
    expect(await identity.callerForPassword('nobody', 'correct horse battery')).toBeUndefined();
    await expect(identity.createPrincipal({ name: 'ana' })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await expect(identity.createPrincipal({ name: 'bob', password: 'short' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(identity.createPrincipal({ name: 'ci', kind: 'service', password: 'a long enough secret' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('shows a token once, stores its digest, records its use, and stops it when revoked or expired', async () => {
    await identity.createPrincipal({ name: 'ci-bot', kind: 'service', role: 'editor' });
    const created = await identity.createToken({ principal: 'ci-bot', name: 'github', scopes: ['read'] });
    expect(created.token).toMatch(/^tlt_[A-Za-z0-9_-]{43}$/);
    const dump = JSON.stringify(await store.db.selectFrom('api_tokens').selectAll().execute());
    expect(dump).not.toContain(created.token);
    expect(dump).not.toContain(created.token.slice(10));

    const caller = await identity.callerForToken(created.token);
    expect(caller).toMatchObject({ name: 'ci-bot', role: 'editor', scopes: ['read'], via: 'token' });
    // A read-only token cannot write, whatever its principal's role.
    expect(allows(caller!, { kind: 'role', role: 'editor' })).toMatchObject({ ok: false });
    expect(allows(caller!, { kind: 'role', role: 'viewer' })).toEqual({ ok: true });
    expect((await identity.listTokens('ci-bot'))[0]!.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(await identity.listTokens())).not.toContain(created.token);

    await identity.revokeToken(created.id);
    expect(await identity.callerForToken(created.token)).toBeUndefined();
    await expect(identity.revokeToken(created.id)).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    await expect(identity.revokeToken('not-a-token')).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const brief = await identity.createToken({ principal: 'ci-bot', name: 'brief', expiresInMs: 1 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await identity.callerForToken(brief.token)).toBeUndefined();
    expect(await identity.callerForToken('tlt_made-up')).toBeUndefined();
    await identity.setDisabled('ci-bot', true);
    const other = await identity.createToken({ principal: 'ci-bot', name: 'other' });
    expect(await identity.callerForToken(other.token)).toBeUndefined();
  });

  it('grants a permission on one resource beyond the role, and revokes it', async () => {
    await identity.createPrincipal({ name: 'dev', role: 'viewer', password: 'another long password' });
    await identity.grant({ principal: 'dev', resourceType: 'environment', resourceName: 'staging', permission: 'EDIT' });
    const caller = (await identity.callerForPassword('dev', 'another long password'))!;
    expect(allows(caller, { kind: 'resource', resourceType: 'environment', permission: 'EDIT', name: 'staging' })).toEqual({ ok: true });
    expect(allows(caller, { kind: 'resource', resourceType: 'environment', permission: 'EDIT', name: 'prod' })).toMatchObject({ ok: false, reason: "needs EDIT on environment 'prod'" });
    expect(allows(caller, { kind: 'resource', resourceType: 'environment', permission: 'READ', name: 'prod' })).toEqual({ ok: true });
    await identity.revokeGrant('dev', 'environment', 'staging');
    expect(await identity.listGrants('dev')).toEqual([]);
    await expect(identity.revokeGrant('dev', 'environment', 'staging')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(identity.grant({ principal: 'dev', resourceType: 'planet' as never, resourceName: 'x', permission: 'EDIT' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('opens a browser session whose CSRF token must match', async () => {
    const { sessionId, csrfToken } = await identity.openSession('ana', 60_000);
    expect(await identity.callerForSession(sessionId, csrfToken)).toMatchObject({ caller: { name: 'ana' }, csrfOk: true });
    expect(await identity.callerForSession(sessionId, 'tlc_wrong')).toMatchObject({ csrfOk: false });
    const dump = JSON.stringify(await store.db.selectFrom('browser_sessions').selectAll().execute());
    expect(dump).not.toContain(sessionId);
    expect(dump).not.toContain(csrfToken);
    await identity.closeSession(sessionId);
    expect(await identity.callerForSession(sessionId, csrfToken)).toBeUndefined();
  });

  it('audits every change with the caller and request id, newest first', async () => {
    const caller = { name: 'security-lead', role: 'admin' as const, grants: [], scopes: ['read', 'write', 'admin'] as const, via: 'token' as const };
    await withRequestContext({ caller: { ...caller, scopes: [...caller.scopes] }, requestId: 'req-42' }, () => identity.setRole('dev', 'editor'));
    const [latest] = await audit.list({ limit: 1 });
    expect(latest).toMatchObject({ actor: 'security-lead', action: 'principal.role', subjectType: 'principal', subjectId: 'dev', before: { role: 'viewer' }, after: { role: 'editor' }, requestId: 'req-42' });
    const actions = (await audit.list({ since: '1h' })).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['principal.create', 'token.create', 'token.revoke', 'grant.set', 'grant.revoke', 'principal.disable']));
    expect((await audit.list({ actor: 'security-lead' })).map((r) => r.action)).toEqual(['principal.role']);
    // Outside a request, the local user is the actor.
    expect((await audit.list({ action: 'principal.create', limit: 1 }))[0]!.actor).not.toBe('unknown');
  });

  it("lets a non-admin manage only their own tokens, whatever shell asks (the rule is the service's)", async () => {
    await identity.createPrincipal({ name: 'eve', role: 'editor' });
    await identity.createPrincipal({ name: 'fay', role: 'editor' });
    const faysToken = await identity.createToken({ principal: 'fay', name: 'laptop' });
    const eve = { name: 'eve', role: 'editor' as const, grants: [], scopes: ['read', 'write'] as ('read' | 'write')[], via: 'token' as const };
    const asEve = <T>(fn: () => Promise<T>) => withRequestContext({ caller: eve }, fn);
    const refusal = (p: Promise<unknown>) => p.then(() => 'allowed', (e: { code?: string }) => e.code);

    expect(await refusal(asEve(() => identity.createToken({ principal: 'fay', name: 'sneaky' })))).toBe('PERMISSION_DENIED');
    expect(await refusal(asEve(() => identity.revokeToken(faysToken.id)))).toBe('PERMISSION_DENIED');
    expect(await refusal(asEve(() => identity.listTokens('fay')))).toBe('PERMISSION_DENIED');
    // Nothing changed: fay's token still works and no token was made for her.
    expect((await identity.callerForToken(faysToken.token))?.name).toBe('fay');
    expect((await identity.listTokens('fay')).map((t) => t.name)).toEqual(['laptop']);

    const own = await asEve(() => identity.createToken({ principal: 'eve', name: 'ci' }));
    // Asked for everyone's, eve sees her own only.
    expect((await asEve(() => identity.listTokens())).map((t) => t.principal)).toEqual(['eve']);
    await asEve(() => identity.revokeToken(own.id));
    expect(await identity.callerForToken(own.token)).toBeUndefined();
  });
});
