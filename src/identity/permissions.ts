import type { Caller, Permission, ResourceType, Role, Scope } from './types.js';
import { permissions, roles } from './types.js';

/** What a request needs: nothing, a global role, or a permission on one resource. */
export type Requirement =
  | { kind: 'public' }
  | { kind: 'authenticated' }
  | { kind: 'role'; role: Exclude<Role, 'none'> }
  | { kind: 'resource'; resourceType: ResourceType; permission: Permission; name: string | undefined };

/** What each global role gives on every resource. */
const roleGives: Record<Role, Permission | undefined> = { none: undefined, viewer: 'READ', editor: 'EDIT', admin: 'MANAGE' };
/** The role a permission stands for where a route names no resource (a list, a create by id). */
const permissionRole: Record<Permission, Exclude<Role, 'none'>> = { READ: 'viewer', EDIT: 'editor', MANAGE: 'admin' };
/** The scope a token needs for each permission. */
const permissionScope: Record<Permission, Scope> = { READ: 'read', EDIT: 'write', MANAGE: 'admin' };

const rank = <T extends string>(list: readonly T[], value: T | undefined) => (value === undefined ? -1 : list.indexOf(value));

/** The strongest permission `caller` holds on one resource: its role's, or a grant's. */
export function permissionOn(caller: Caller, resourceType: ResourceType, name: string): Permission | undefined {
  let best = roleGives[caller.role];
  for (const grant of caller.grants) {
    if (grant.resourceType === resourceType && grant.resourceName === name && rank(permissions, grant.permission) > rank(permissions, best)) best = grant.permission;
  }
  return best;
}

/** Whether `caller` meets `need`; a short reason when not. */
export function allows(caller: Caller, need: Requirement): { ok: true } | { ok: false; reason: string } {
  if (need.kind === 'public' || need.kind === 'authenticated') return { ok: true };
  const permission: Permission = need.kind === 'role' ? (need.role === 'admin' ? 'MANAGE' : need.role === 'editor' ? 'EDIT' : 'READ') : need.permission;
  if (!caller.scopes.includes(permissionScope[permission])) return { ok: false, reason: `the token lacks the '${permissionScope[permission]}' scope` };
  if (need.kind === 'role') {
    return rank(roles, caller.role) >= rank(roles, need.role) ? { ok: true } : { ok: false, reason: `needs the ${need.role} role` };
  }
  const held = need.name === undefined ? roleGives[caller.role] : permissionOn(caller, need.resourceType, need.name);
  if (rank(permissions, held) >= rank(permissions, permission)) return { ok: true };
  // A route that names no one resource (create, list) falls back to the global role.
  return {
    ok: false,
    reason: need.name === undefined ? `needs the ${permissionRole[permission]} role` : `needs ${permission} on ${need.resourceType} '${need.name}'`,
  };
}
