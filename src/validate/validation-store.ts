import type { Store } from '../store/database.js';
import type { ValidationsTable } from '../store/schema.js';
import type { ExpectationResult, ListValidationsQuery, Validation } from './types.js';

/** Ids per `in (…)` list: well under the bound-parameter limits of both back ends. */
const chunk = 1000;

/** The headline of a validation: what a trace shows of it, without its results. */
export type ValidationHeadline = Omit<Validation, 'results' | 'eventId'>;

/** SQL of suite results: one row in `validations` per suite run on a data version. */
export class ValidationStore {
  constructor(private readonly store: Store) {}

  async insert(validation: Validation): Promise<void> {
    await this.store.db
      .insertInto('validations')
      .values({
        id: validation.id,
        data_digest: validation.dataDigest,
        data_uri: validation.dataUri,
        suite_name: validation.suiteName,
        suite_digest: validation.suiteDigest,
        success: validation.success ? 1 : 0,
        evaluated: validation.evaluated,
        failed: validation.failed,
        results: JSON.stringify(validation.results),
        time: validation.time,
      })
      .execute();
  }

  async get(id: string): Promise<Validation | undefined> {
    const row = await this.store.db.selectFrom('validations').selectAll().where('id', '=', id).executeTakeFirst();
    return row && fromRow(row);
  }

  /** Newest first; `limit` already checked. */
  async list(query: ListValidationsQuery & { limit: number }): Promise<Validation[]> {
    let select = this.store.db.selectFrom('validations').selectAll();
    if (query.data) select = select.where('data_digest', '=', query.data);
    if (query.suite) select = select.where('suite_name', '=', query.suite);
    const rows = await select.orderBy('time', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
    return rows.map(fromRow);
  }

  async headlines(ids: string[]): Promise<ValidationHeadline[]> {
    const out: ValidationHeadline[] = [];
    for (let i = 0; i < ids.length; i += chunk) {
      const rows = await this.store.db
        .selectFrom('validations')
        .select(['id', 'suite_name', 'suite_digest', 'data_uri', 'data_digest', 'success', 'evaluated', 'failed', 'time'])
        .where('id', 'in', ids.slice(i, i + chunk))
        .execute();
      for (const v of rows) out.push({ id: v.id, suiteName: v.suite_name, suiteDigest: v.suite_digest, dataUri: v.data_uri, dataDigest: v.data_digest, success: v.success === 1, evaluated: v.evaluated, failed: v.failed, time: v.time });
    }
    return out;
  }
}

function fromRow(row: ValidationsTable): Validation {
  return {
    id: row.id,
    dataDigest: row.data_digest,
    dataUri: row.data_uri,
    suiteName: row.suite_name,
    suiteDigest: row.suite_digest,
    success: row.success === 1,
    evaluated: row.evaluated,
    failed: row.failed,
    results: JSON.parse(row.results) as ExpectationResult[],
    time: row.time,
  };
}
