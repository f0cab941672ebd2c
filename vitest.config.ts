import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts'],
    // PostgreSQL, s3rver and friends are started once for the whole run.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest defaults to one worker fewer than the cores: a single worker on a 2-core CI machine,
    // which then sits half idle while each CLI test waits on its child processes and servers.
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
  },
});
