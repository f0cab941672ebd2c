import type { Kysely } from 'kysely';
import { conflict } from '../../errors.js';
import { insertNextNumber } from '../../store/conflicts.js';
import type { Database, DeploymentsTable } from '../../store/schema.js';

export type NewDeploymentRow = Omit<DeploymentsTable, 'id' | 'sequence'>;

/** The `deployments` table: rows numbered per environment, newest first. */
export class DeploymentStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Inserts `ENV#(max+1)`; a concurrent deploy that took the number first makes this retry. */
  async insertNext(row: NewDeploymentRow, attempts = 8): Promise<DeploymentsTable> {
    return insertNextNumber({
      attempts,
      exhausted: () => conflict(`could not number a new deployment of ${row.environment}: too many concurrent deploys`),
      insert: () =>
        this.db.transaction().execute(async (trx) => {
          const top = await trx
            .selectFrom('deployments')
            .select((eb) => eb.fn.max('sequence').as('max'))
            .where('environment', '=', row.environment)
            .executeTakeFirst();
          const sequence = (top?.max ?? 0) + 1;
          const full = { ...row, id: `${row.environment}#${sequence}`, sequence };
          await trx.insertInto('deployments').values(full).execute();
          return full;
        }),
    });
  }

  async list(environment?: string): Promise<DeploymentsTable[]> {
    let query = this.db.selectFrom('deployments').selectAll();
    if (environment !== undefined) query = query.where('environment', '=', environment);
    const rows = await query.orderBy('created_at', 'desc').orderBy('sequence', 'desc').execute();
    return rows;
  }

  async get(environment: string, sequence: number): Promise<DeploymentsTable | undefined> {
    const row = await this.db.selectFrom('deployments').selectAll().where('environment', '=', environment).where('sequence', '=', sequence).executeTakeFirst();
    return row;
  }

  async getMany(ids: readonly string[]): Promise<DeploymentsTable[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('deployments').selectAll().where('id', 'in', ids).execute();
    return rows;
  }

  /** What ENV runs now: its newest deployment with status `deployed`. */
  async current(environment: string): Promise<DeploymentsTable | undefined> {
    const row = await this.db
      .selectFrom('deployments')
      .selectAll()
      .where('environment', '=', environment)
      .where('status', '=', 'deployed')
      .orderBy('sequence', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row;
  }

  async setStatus(id: string, status: DeploymentsTable['status']): Promise<void> {
    await this.db.updateTable('deployments').set({ status }).where('id', '=', id).execute();
  }

  /** Ends a deployment: its status, details and the one it replaced (marked `replaced`) in one transaction. */
  async finish(id: string, changes: Pick<DeploymentsTable, 'status' | 'details' | 'replaced_id'>): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('deployments').set(changes).where('id', '=', id).execute();
      if (changes.status === 'deployed' && changes.replaced_id) {
        await trx.updateTable('deployments').set({ status: 'replaced' }).where('id', '=', changes.replaced_id).where('status', '=', 'deployed').execute();
      }
    });
  }
}
