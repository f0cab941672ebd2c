import { expect } from 'vitest';
import { localUser } from '../../src/identity/request-context.js';
import type { ContractCase } from './cases.js';

const unknownTokenId = '01900000-0000-7000-8000-000000000000';

/**
 * The identity part of the contract: principals, grants, tokens and the audit log, alike embedded
 * (where the local user is the admin) and over HTTP (a loopback server without required
 * authentication, where a request without credentials is that same local user). What a token
 * authenticates is asked of the store behind either side (`tl.identity`), the one truth both share.
 */
export const identityContractCases: ContractCase[] = [
  {
    name: 'identity: the caller is the local admin; principals created, read, listed, changed; unknown and bad ones refused',
    methods: ['whoami', 'createPrincipal', 'getPrincipal', 'listPrincipals', 'updatePrincipal'],
    async run({ api, tl }) {
      expect(await api.whoami()).toEqual({ principal: localUser(), role: 'admin', via: 'local' });
      const ana = await api.createPrincipal({ name: 'ana.contract', role: 'editor', password: 'a-long-password-1' });
      expect(ana).toMatchObject({ name: 'ana.contract', kind: 'user', role: 'editor', source: 'local', disabled: false });
      expect(ana).not.toHaveProperty('password');
      expect(ana).not.toHaveProperty('passwordHash');
      const bot = await api.createPrincipal({ name: 'bot.contract', kind: 'service' });
      expect(bot).toMatchObject({ kind: 'service', role: 'viewer' });
      expect(await api.getPrincipal('ana.contract')).toEqual(ana);
      expect((await api.listPrincipals()).map((p) => p.name)).toEqual(expect.arrayContaining(['ana.contract', 'bot.contract']));

      const changed = await api.updatePrincipal('ana.contract', { role: 'admin', password: 'another-long-password-2' });
      expect(changed).toMatchObject({ name: 'ana.contract', role: 'admin', disabled: false });
      expect(await tl.identity.callerForPassword('ana.contract', 'another-long-password-2')).toMatchObject({ name: 'ana.contract', role: 'admin' });
      expect(await tl.identity.callerForPassword('ana.contract', 'a-long-password-1')).toBeUndefined();
      expect(await api.updatePrincipal('ana.contract', { disabled: true })).toMatchObject({ disabled: true });
      expect(await tl.identity.callerForPassword('ana.contract', 'another-long-password-2')).toBeUndefined();

      await expect(api.createPrincipal({ name: 'ana.contract' })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
      await expect(api.createPrincipal({ name: '-starts-badly' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(api.createPrincipal({ name: 'weak.contract', password: 'short' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(api.createPrincipal({ name: 'sa.contract', kind: 'service', password: 'a-long-password-1' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(api.getPrincipal('ghost.contract')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(api.updatePrincipal('ghost.contract', { role: 'editor' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      // A change is checked whole: a bad part refuses all of it, the good part included.
      await expect(api.updatePrincipal('bot.contract', { role: 'admin', password: 'a-long-password-1' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(api.updatePrincipal('bot.contract', { role: 'root' as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(api.updatePrincipal('bot.contract', { disabled: 'yes' as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect(await api.getPrincipal('bot.contract')).toMatchObject({ role: 'viewer', disabled: false });
    },
  },
  {
    name: 'identity: grants set, replaced, listed, revoked; a wrong permission or resource type and unknown principals refused',
    methods: ['grant', 'listGrants', 'revokeGrant'],
    async run({ api, tl }) {
      await api.createPrincipal({ name: 'dev.contract', role: 'none' });
      const granted = await api.grant({ principal: 'dev.contract', resourceType: 'environment', resourceName: 'staging', permission: 'EDIT' });
      expect(granted).toMatchObject({ principal: 'dev.contract', resourceType: 'environment', resourceName: 'staging', permission: 'EDIT' });
      await api.grant({ principal: 'dev.contract', resourceType: 'model', resourceName: 'reco', permission: 'READ' });
      await api.grant({ principal: 'dev.contract', resourceType: 'environment', resourceName: 'staging', permission: 'MANAGE' });
      expect((await api.listGrants('dev.contract')).map((g) => [g.resourceType, g.resourceName, g.permission])).toEqual([
        ['environment', 'staging', 'MANAGE'],
        ['model', 'reco', 'READ'],
      ]);
      await api.revokeGrant('dev.contract', 'model', 'reco');
      expect((await api.listGrants('dev.contract')).map((g) => g.resourceName)).toEqual(['staging']);

      await expect(api.grant({ principal: 'dev.contract', resourceType: 'model', resourceName: 'reco', permission: 'WRITE' as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(api.grant({ principal: 'dev.contract', resourceType: 'bucket' as never, resourceName: 'x', permission: 'READ' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(api.grant({ principal: 'ghost.contract', resourceType: 'model', resourceName: 'reco', permission: 'READ' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(api.revokeGrant('dev.contract', 'model', 'reco')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(api.revokeGrant('dev.contract', 'bucket' as never, 'x')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(api.listGrants('ghost.contract')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      // What the caller of a request gets: exactly the grants listed.
      const caller = await tl.identity.callerForToken((await api.createToken({ name: 'probe', principal: 'dev.contract' })).token);
      expect(caller?.grants).toEqual([expect.objectContaining({ resourceType: 'environment', resourceName: 'staging', permission: 'MANAGE' })]);
    },
  },
  {
    name: 'identity: a token is shown once, listed without its secret, revoked once; a revoked token authenticates nothing',
    methods: ['createToken', 'listTokens', 'revokeToken'],
    async run({ api, tl }) {
      // A token without `principal` is the caller's: the local user, who must be a principal for it.
      await expect(api.createToken({ name: 'mine' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await api.createPrincipal({ name: 'ci.contract', kind: 'service', role: 'editor' });
      const created = await api.createToken({ name: 'github-ci', principal: 'ci.contract', scopes: ['read'], expiresInMs: 3_600_000 });
      expect(created).toMatchObject({ principal: 'ci.contract', name: 'github-ci', scopes: ['read'], revokedAt: null, lastUsedAt: null });
      expect(created.token).toMatch(/^tlt_/);
      expect(created.prefix).toBe(created.token.slice(0, 10));
      expect(created.expiresAt! - created.createdAt).toBe(3_600_000);
      const other = await api.createToken({ name: 'laptop', principal: 'ci.contract' });
      expect(other.scopes).toEqual(['read', 'write']);

      const listed = await api.listTokens('ci.contract');
      expect(listed.map((t) => t.id).sort()).toEqual([created.id, other.id].sort());
      expect(JSON.stringify(listed)).not.toContain(created.token);
      expect(listed.every((t) => !('token' in t))).toBe(true);
      expect((await api.listTokens()).map((t) => t.id)).toEqual(expect.arrayContaining([created.id, other.id]));
      expect(await tl.identity.callerForToken(created.token)).toMatchObject({ name: 'ci.contract', scopes: ['read'], via: 'token' });

      await api.revokeToken(created.id);
      expect((await api.listTokens('ci.contract')).find((t) => t.id === created.id)?.revokedAt).toEqual(expect.any(Number));
      expect(await tl.identity.callerForToken(created.token)).toBeUndefined();
      expect(await tl.identity.callerForToken(other.token)).toMatchObject({ name: 'ci.contract' });
      await expect(api.revokeToken(created.id)).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
      await expect(api.revokeToken(unknownTokenId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(api.revokeToken('not-a-token-id')).rejects.toMatchObject({ code: 'NOT_FOUND' });

      await expect(api.createToken({ name: 'x', principal: 'ghost.contract' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(api.listTokens('ghost.contract')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(api.createToken({ name: 'x', principal: 'ci.contract', scopes: ['root' as never] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(api.createToken({ name: 'x', principal: 'ci.contract', expiresInMs: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(api.createToken({ name: '', principal: 'ci.contract' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    },
  },
  {
    name: 'audit: identity changes listed newest first with who, before and after; filtered; a bad query refused',
    methods: ['listAudit'],
    async run({ api }) {
      await api.createPrincipal({ name: 'audited.contract', role: 'viewer' });
      await api.updatePrincipal('audited.contract', { role: 'editor' });
      const subject = { subjectType: 'principal', subjectId: 'audited.contract' };
      const records = await api.listAudit(subject);
      expect(records.map((r) => [r.actor, r.action, r.before, r.after])).toEqual([
        [localUser(), 'principal.role', { role: 'viewer' }, { role: 'editor' }],
        [localUser(), 'principal.create', null, { kind: 'user', role: 'viewer', source: 'local' }],
      ]);
      expect((await api.listAudit({ ...subject, action: 'principal.create' })).map((r) => r.action)).toEqual(['principal.create']);
      expect((await api.listAudit({ ...subject, limit: 1 })).map((r) => r.action)).toEqual(['principal.role']);
      expect(await api.listAudit({ ...subject, since: '1h' })).toHaveLength(2);
      expect(await api.listAudit({ ...subject, since: Date.now() + 60_000 })).toEqual([]);
      expect(await api.listAudit({ ...subject, actor: 'someone-else' })).toEqual([]);
      await expect(api.listAudit({ since: 'whenever' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(api.listAudit({ limit: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(api.listAudit({ limit: 1.5 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    },
  },
];
