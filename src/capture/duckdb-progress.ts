import type { DuckDBConnection } from '@duckdb/node-api';
import { progressWatched, startProgress } from '../progress.js';

// DuckDB updates its estimate as it scans; sampling it more often only costs CPU.
const sampleEveryMs = 200;

/**
 * Runs `query` on `connection` and, when something draws progress, publishes DuckDB's own
 * estimate of how far the scan is (percent of rows) as a task named `label`. A single SQL
 * statement has no other progress to show: this is what DuckDB's CLI bar reads too.
 */
export async function withQueryProgress<T>(connection: DuckDBConnection, label: string, query: () => Promise<T>): Promise<T> {
  if (!progressWatched()) return query();
  // Progress is tracked only with the progress bar on; printing it is DuckDB's CLI's job, not ours.
  await connection.run('SET enable_progress_bar = true; SET enable_progress_bar_print = false');
  const task = startProgress(label, 100, 'percent');
  let reported = 0;
  const timer = setInterval(() => {
    const { percentage } = connection.progress;
    // -1 before the scan starts; the estimate can move back when DuckDB revises the row count.
    if (percentage > reported) {
      task.advance(percentage - reported);
      reported = percentage;
    }
  }, sampleEveryMs);
  try {
    return await query();
  } finally {
    clearInterval(timer);
    task.end();
  }
}
