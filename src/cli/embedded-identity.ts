import type { Threadline } from '../context.js';
import type { IdentityApi } from '../identity/api.js';
import { localUser } from '../identity/request-context.js';

/**
 * Identity straight on the store, the embedded API's identity part: whoever can open
 * `.threadline/` (or the database) is its admin, which is how the first principals are made
 * before a server requires authentication.
 */
export function embeddedIdentity(tl: Threadline): IdentityApi {
  const identity = tl.identity;
  return {
    whoami: async () => ({ principal: localUser(), role: 'admin', via: 'local' }),
    listPrincipals: () => identity.listPrincipals(),
    createPrincipal: (input) => identity.createPrincipal(input),
    getPrincipal: (name) => identity.getPrincipal(name),
    updatePrincipal: (name, change) => identity.updatePrincipal(name, change),
    listGrants: (principal) => identity.listGrants(principal),
    grant: (input) => identity.grant(input),
    revokeGrant: (principal, type, name) => identity.revokeGrant(principal, type, name),
    createToken: (input) => identity.createToken({ ...input, principal: input.principal ?? localUser() }),
    listTokens: (principal) => identity.listTokens(principal),
    revokeToken: (id) => identity.revokeToken(id),
    listAudit: (query) => tl.audit.list(query),
  };
}
