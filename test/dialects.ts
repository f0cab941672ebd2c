import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { openStore, type DialectName, type Store } from '../src/store/database.js';

/** Every store-touching suite runs once per dialect: `describe.each(dialects)`. */
export const dialects: DialectName[] = ['sqlite', 'postgres'];

/**
 * A fresh, migrated, empty store: a temp SQLite file, or a new database on the test server that
 * openStore migrates from nothing (so database.test.ts still sees the migrations run).
 */
export async function freshStore(dialect: DialectName): Promise<Store> {
  return openStore(await emptyDatabaseUrl(dialect));
}

/**
 * A URL for a store of its own: a temp SQLite file path (no file yet), or a new PostgreSQL
 * database already migrated: a copy of the template test/global-setup.ts migrated, a third of the
 * cost of migrating a new one.
 */
export async function freshDatabaseUrl(dialect: DialectName): Promise<string> {
  return newDatabaseUrl(dialect, inject('postgresTemplate'));
}

/** Like freshDatabaseUrl, but a PostgreSQL database is empty too: for tests of the migrations. */
export async function emptyDatabaseUrl(dialect: DialectName): Promise<string> {
  return newDatabaseUrl(dialect, 'template1');
}

async function newDatabaseUrl(dialect: DialectName, postgresTemplate: string): Promise<string> {
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-sqlite-'));
    return path.join(dir, 'threadline.db');
  }
  const serverUrl = inject('postgresUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name} TEMPLATE ${postgresTemplate}`);
  } finally {
    await client.end();
  }
  return serverUrl.replace(/\/[^/]*$/, `/${name}`);
}
