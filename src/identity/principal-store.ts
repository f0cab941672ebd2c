import type { Kysely } from 'kysely';
import type { Database, PrincipalsTable } from '../store/schema.js';
import type { Grant, Permission, Principal, PrincipalKind, ResourceType, Role } from './types.js';

/** SQL of principals and their grants. */
export class PrincipalStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: PrincipalsTable): Promise<void> {
    await this.db.insertInto('principals').values(row).execute();
  }

  async byName(name: string): Promise<PrincipalsTable | undefined> {
    return this.db.selectFrom('principals').selectAll().where('name', '=', name).executeTakeFirst();
  }

  async byId(id: string): Promise<PrincipalsTable | undefined> {
    return this.db.selectFrom('principals').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(): Promise<PrincipalsTable[]> {
    return this.db.selectFrom('principals').selectAll().orderBy('name').execute();
  }

  async count(): Promise<number> {
    const row = await this.db.selectFrom('principals').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async update(id: string, change: Partial<Pick<PrincipalsTable, 'role' | 'password_hash' | 'disabled'>>): Promise<void> {
    await this.db.updateTable('principals').set(change).where('id', '=', id).execute();
  }

  async grantsOf(principalId: string): Promise<Grant[]> {
    const rows = await this.db
      .selectFrom('grants')
      .innerJoin('principals', 'principals.id', 'grants.principal_id')
      .select(['principals.name', 'grants.resource_type', 'grants.resource_name', 'grants.permission', 'grants.granted_at'])
      .where('grants.principal_id', '=', principalId)
      .orderBy('grants.resource_type')
      .orderBy('grants.resource_name')
      .execute();
    return rows.map((r) => ({ principal: r.name, resourceType: r.resource_type as ResourceType, resourceName: r.resource_name, permission: r.permission as Permission, grantedAt: r.granted_at }));
  }

  async putGrant(principalId: string, resourceType: ResourceType, resourceName: string, permission: Permission, at: number): Promise<void> {
    await this.db
      .insertInto('grants')
      .values({ principal_id: principalId, resource_type: resourceType, resource_name: resourceName, permission, granted_at: at })
      .onConflict((oc) => oc.columns(['principal_id', 'resource_type', 'resource_name']).doUpdateSet({ permission, granted_at: at }))
      .execute();
  }

  async removeGrant(principalId: string, resourceType: ResourceType, resourceName: string): Promise<number> {
    const result = await this.db
      .deleteFrom('grants')
      .where('principal_id', '=', principalId)
      .where('resource_type', '=', resourceType)
      .where('resource_name', '=', resourceName)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

export function toPrincipal(row: PrincipalsTable): Principal {
  return { id: row.id, name: row.name, kind: row.kind as PrincipalKind, role: row.role as Role, source: row.source, createdAt: row.created_at, disabled: row.disabled === 1 };
}
