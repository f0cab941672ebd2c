import type { Kysely } from 'kysely';
import type { Store } from '../store/database.js';
import type { Database } from '../store/schema.js';

/** What a describer may read: the store (each domain's describers read it through their own stores and services). */
export interface DescribeContext {
  db: Kysely<Database>;
  store: Store;
}

export interface Description {
  summary: string;
  facts: Record<string, unknown>;
}

/** Loads the key facts of many entities of one type at once (a trace can hold hundreds of runs). */
export type Describer = (ctx: DescribeContext, ids: string[]) => Promise<Map<string, Description>>;
