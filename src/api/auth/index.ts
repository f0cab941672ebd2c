import type { FastifyInstance, FastifyRequest } from 'fastify';
import { permissionDenied, unauthenticated } from '../../errors.js';
import type { IdentityService } from '../../identity/identity-service.js';
import { OidcVerifier } from '../../identity/oidc.js';
import { allows } from '../../identity/permissions.js';
import { localUser, withRequestContext, type RequestContext } from '../../identity/request-context.js';
import { scopes, type Caller } from '../../identity/types.js';
import { credentialsOf, type Credentials } from './credentials.js';
import type { LoginThrottle } from '../../identity/login-throttle.js';
import { requirementOf } from './route-permissions.js';

export interface AuthOptions {
  /** Every request but the public ones must prove who it is (off loopback, always). */
  required: boolean;
  /** Single sign-on: JWTs of this issuer are accepted as Bearer tokens. */
  oidc?: OidcVerifier;
  /** Browser origins allowed to call the API cross-origin (CORS); none unless listed. */
  corsOrigins?: readonly string[];
  /** How long a browser session lasts (default 12 hours). */
  sessionTtlMs?: number;
  /** Session cookies marked `Secure` (set when the server is reached over HTTPS). */
  secureCookies?: boolean;
}

export interface AuthDeps {
  identity: IdentityService;
  throttle: LoginThrottle;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who asks: set for every request by the auth hook before any handler runs. */
    caller?: Caller;
    /** What the domain services see of this request (who, which request id). */
    requestContext?: RequestContext;
  }
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Authentication and authorisation for every route: the caller is found in onRequest (before any
 * body is read) and carried in the request context for the domain's audit; its permission is
 * checked in preHandler (after parsing, so MLflow routes can name their resource in the body)
 * against the one table in route-permissions.ts. Without `required`, a request with no
 * credentials acts as the server's local user with every right (a loopback server, as before).
 */
export function installAuth(app: FastifyInstance, deps: AuthDeps, options: AuthOptions): void {
  const throttle = deps.throttle;

  // The request context is entered before the hooks run, and again once the body is parsed:
  // parsing ends in a stream callback that has lost it, and the handler must run inside it.
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    request.requestContext = { requestId: request.id };
    withRequestContext(request.requestContext, done);
  });
  app.addHook('preHandler', (request, _reply, done) => {
    withRequestContext(request.requestContext ?? { requestId: request.id }, done);
  });

  app.addHook('onRequest', async (request) => {
    const credentials = credentialsOf(request);
    const caller = await authenticate(request, credentials);
    if (caller) {
      request.caller = caller;
      if (request.requestContext) request.requestContext.caller = caller;
    }
  });

  app.addHook('preHandler', async (request) => {
    if (request.is404) return;
    const need = requirementOf(request);
    // Deny by default: a route without an entry in the table is a bug, not an open door.
    if (!need) throw Object.assign(new Error(`route ${request.method} ${request.routeOptions.url} has no entry in the permission table`), { statusCode: 500 });
    if (need.kind === 'public') return;
    const caller = request.caller;
    if (!caller) throw unauthenticated('authentication required: send a token (Authorization: Bearer …) or a user name and password (Basic)');
    const verdict = allows(caller, need);
    if (!verdict.ok) throw permissionDenied(`${caller.name} may not ${request.method} ${request.url.split('?')[0]}: ${verdict.reason}`);
  });

  async function authenticate(request: FastifyRequest, credentials: Credentials): Promise<Caller | undefined> {
    if (credentials.kind === 'none') return options.required ? undefined : localCaller(localUser());
    if (credentials.kind === 'session') {
      const found = await deps.identity.callerForSession(credentials.sessionId, credentials.csrfToken);
      if (!found) return undefined;
      // A session cookie rides along on cross-site requests too: a change needs the page's CSRF token.
      if (!safeMethods.has(request.method) && !found.csrfOk) throw permissionDenied('missing or wrong x-csrf-token for this session');
      return found.caller;
    }
    if (credentials.kind === 'bearer') {
      const caller =
        options.oidc && OidcVerifier.looksLikeJwt(credentials.token)
          ? await ssoCaller(credentials.token)
          : credentials.token === ''
            ? undefined
            : await deps.identity.callerForToken(credentials.token);
      if (!caller) {
        // Counted only when unknown, so that a good token costs no store query here.
        await throttle.check({ address: request.ip });
        await throttle.fail({ address: request.ip });
        throw unauthenticated('the bearer token is unknown, expired or revoked');
      }
      return caller;
    }
    const keys = { address: request.ip, user: credentials.user };
    await throttle.check(keys);
    const caller = await deps.identity.callerForPassword(credentials.user, credentials.password);
    if (caller) return caller;
    // With no authentication configured, a fronting proxy's Basic user is taken at its word, as before.
    if (!options.required && !(await deps.identity.hasPrincipals()) && credentials.user !== '') return localCaller(credentials.user);
    await throttle.fail(keys);
    throw unauthenticated('wrong user name or password');
  }

  async function ssoCaller(token: string): Promise<Caller | undefined> {
    const identity = await options.oidc!.verify(token);
    return deps.identity.callerForSso(identity.name, options.oidc!.settings.issuer, identity.role);
  }
}

/** The caller of an unauthenticated server: whoever runs it, with every right. */
function localCaller(name: string): Caller {
  return { name, role: 'admin', grants: [], scopes: [...scopes], via: 'local' };
}
