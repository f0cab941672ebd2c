import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { stringifySetCookie } from 'cookie';
import { z } from 'zod';
import type { Threadline } from '../../context.js';
import { parseWith, unauthenticated } from '../../errors.js';
import type { Caller, Permission, ResourceType, Role } from '../../identity/types.js';
import { credentialsOf, csrfCookie, sessionCookie } from '../auth/credentials.js';
import type { LoginThrottle } from '../../identity/login-throttle.js';

export interface SessionSettings {
  ttlMs: number;
  secureCookies: boolean;
  throttle: LoginThrottle;
}

const loginSchema = z.strictObject({ username: z.string().min(1).max(256), password: z.string().min(1).max(1024) });
const tokenSchema = z.strictObject({
  name: z.string().min(1).max(256),
  principal: z.string().min(1).max(256).optional(),
  scopes: z.array(z.string()).optional(),
  expires_in_ms: z.number().int().positive().optional(),
});

function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw unauthenticated('authentication required');
  return request.caller;
}

/** Sessions for the web UI, principals, grants, tokens and the audit log. */
export function identityRoutes(app: FastifyInstance, tl: Threadline, sessions: SessionSettings): void {
  const identity = tl.identity;

  app.post('/api/auth/login', async (request, reply) => {
    const { username, password } = parseWith(loginSchema, request.body ?? {}, 'Invalid login');
    const keys = { address: request.ip, user: username };
    await sessions.throttle.check(keys);
    const caller = await identity.callerForPassword(username, password);
    if (!caller) {
      await sessions.throttle.fail(keys);
      throw unauthenticated('wrong user name or password');
    }
    const session = await identity.openSession(caller.name, sessions.ttlMs);
    setSessionCookies(reply, sessions, session.sessionId, session.csrfToken, Math.floor(sessions.ttlMs / 1000));
    return { principal: caller.name, role: caller.role, csrf_token: session.csrfToken, expires_at: session.expiresAt };
  });

  app.post('/api/auth/logout', async (request, reply) => {
    const credentials = credentialsOf(request);
    if (credentials.kind === 'session') await identity.closeSession(credentials.sessionId);
    setSessionCookies(reply, sessions, '', '', 0);
    return reply.status(204).send();
  });

  app.get('/api/auth/session', async (request) => {
    const caller = callerOf(request);
    return { principal: caller.name, role: caller.role, via: caller.via, grants: caller.grants };
  });

  app.get<{ Querystring: Record<string, string | undefined> }>('/api/audit', async (request) => {
    const q = request.query;
    return {
      records: await tl.audit.list({ actor: q.actor, action: q.action, subjectType: q.subject_type, subjectId: q.subject_id, since: q.since, limit: q.limit === undefined ? undefined : Number(q.limit) }),
    };
  });

  app.get('/api/principals', async () => ({ principals: await identity.listPrincipals() }));
  app.post<{ Body: { name: string; kind?: 'user' | 'service'; role?: Role; password?: string } }>('/api/principals', async (request, reply) => {
    return reply.status(201).send(await identity.createPrincipal(request.body ?? ({} as never)));
  });
  app.get<{ Params: { name: string } }>('/api/principals/:name', async (request) => identity.getPrincipal(request.params.name));
  app.patch<{ Params: { name: string }; Body: { role?: Role; disabled?: boolean; password?: string } }>('/api/principals/:name', async (request) => {
    return identity.updatePrincipal(request.params.name, request.body ?? {});
  });
  app.get<{ Params: { name: string } }>('/api/principals/:name/grants', async (request) => ({ grants: await identity.listGrants(request.params.name) }));
  app.put<{ Params: { name: string }; Body: { resource_type: ResourceType; resource_name: string; permission: Permission } }>('/api/principals/:name/grants', async (request) => {
    const body = request.body ?? ({} as never);
    return identity.grant({ principal: request.params.name, resourceType: body.resource_type, resourceName: body.resource_name, permission: body.permission });
  });
  app.delete<{ Params: { name: string; type: ResourceType; resource: string } }>('/api/principals/:name/grants/:type/:resource', async (request, reply) => {
    await identity.revokeGrant(request.params.name, request.params.type, request.params.resource);
    return reply.status(204).send();
  });

  app.get<{ Querystring: { principal?: string } }>('/api/tokens', async (request) => {
    return { tokens: await identity.listTokens(request.query.principal) };
  });
  app.post('/api/tokens', async (request, reply) => {
    const caller = callerOf(request);
    const body = parseWith(tokenSchema, request.body ?? {}, 'Invalid token');
    const principal = body.principal ?? caller.name;
    return reply.status(201).send(await identity.createToken({ principal, name: body.name, scopes: body.scopes, expiresInMs: body.expires_in_ms }));
  });
  app.delete<{ Params: { id: string } }>('/api/tokens/:id', async (request, reply) => {
    await identity.revokeToken(request.params.id);
    return reply.status(204).send();
  });
}

/** The session id is HttpOnly (no script reads it); its CSRF twin is readable by the page, both SameSite=Strict. */
function setSessionCookies(reply: FastifyReply, sessions: SessionSettings, sessionId: string, csrfToken: string, maxAge: number): void {
  const common = { path: '/', sameSite: 'strict' as const, secure: sessions.secureCookies, maxAge };
  void reply.header('set-cookie', [
    stringifySetCookie({ name: sessionCookie, value: sessionId, httpOnly: true, ...common }),
    stringifySetCookie({ name: csrfCookie, value: csrfToken, ...common }),
  ]);
}
