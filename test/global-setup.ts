import type { TestProject } from 'vitest/node';
import { startPostgres, type PostgresServer } from './services/postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

let postgres: PostgresServer | undefined;

/** One PostgreSQL server for the whole run; each test file makes its own database in it. */
export async function setup(project: TestProject): Promise<void> {
  postgres = await startPostgres();
  project.provide('postgresUrl', postgres.url);
}

export async function teardown(): Promise<void> {
  await postgres?.stop();
}
