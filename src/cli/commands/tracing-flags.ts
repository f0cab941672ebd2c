import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { invalidArgument } from '../../errors.js';
import type { Store } from '../../store/database.js';
import type { Tracing } from '../../serving/tracing.js';
import { printStartLine, progress } from '../output.js';

/** The tracing options `proxy` and `serve` share. */
export interface TracingFlags {
  port: string;
  host: string;
  deployment?: string;
  inject: boolean;
  maxBody: string;
  sample: string;
  redact?: string;
  fsyncInterval: string;
  queueCapacity: string;
  json?: boolean;
}

export function addTracingFlags(command: Command, defaultPort: string): Command {
  return command
    .option('--port <port>', 'port to listen on (0: any free port)', defaultPort)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--deployment <id>', 'the deployment served, ENV#N (or THREADLINE_DEPLOYMENT): predictions are linked to it')
    .option('--no-inject', 'do not add prediction_id, model_version, run_id, git_sha to JSON responses (headers only)')
    .option('--max-body <bytes>', 'bytes of each request/response body kept in the log', String(64 * 1024))
    .option('--sample <rate>', 'share of requests whose bodies are logged, 0-1 (every request is logged)', '1')
    .option('--redact <fields>', 'comma-separated keys whose values are logged as [REDACTED], at any depth')
    .option('--fsync-interval <ms>', 'journal fsync period: the most a machine crash can lose of spilled predictions', '100')
    .option('--queue-capacity <n>', 'predictions held in memory before spilling to the journal', '100000')
    .option('--json', 'print the start line as one JSON object: {"url", "port"}');
}

export function parseTracingFlags(flags: TracingFlags): { port: number; host: string; inject: boolean; maxBody: number; sample: number; redact: string[]; log: { fsyncIntervalMs: number; capacity: number } } {
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalidArgument(`--port must be 0-65535, got '${flags.port}'`);
  const maxBody = Number(flags.maxBody);
  if (!Number.isInteger(maxBody) || maxBody < 0) throw invalidArgument(`--max-body takes a number of bytes, got '${flags.maxBody}'`);
  const sample = Number(flags.sample);
  if (!(sample >= 0 && sample <= 1)) throw invalidArgument(`--sample takes a rate between 0 and 1, got '${flags.sample}'`);
  const redact = (flags.redact ?? '').split(',').map((f) => f.trim()).filter(Boolean);
  const fsyncIntervalMs = Number(flags.fsyncInterval);
  const capacity = Number(flags.queueCapacity);
  if (!(fsyncIntervalMs > 0) || !Number.isInteger(capacity) || capacity < 1) throw invalidArgument('--fsync-interval and --queue-capacity take positive numbers');
  return { port, host: flags.host, inject: flags.inject, maxBody, sample, redact, log: { fsyncIntervalMs, capacity } };
}

/**
 * Prints the URL on stdout, and on SIGTERM/SIGINT stops accepting, lets in-flight requests finish
 * (up to THREADLINE_SHUTDOWN_GRACE), flushes the log and exits 0.
 */
export function runUntilSignal(url: string, json: boolean | undefined, tracing: Tracing, store: Store, cleanup: () => Promise<void> = async () => undefined): void {
  const graceMs = loadConfig().shutdownGraceMs;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await tracing.close(graceMs);
    await cleanup();
    await store.close();
    const m = tracing.log.metrics;
    progress(`stopped: ${m.queued} predictions logged (${m.written} written, ${m.journaled} journaled, ${m.replayed} replayed)`);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  // Only now: a supervisor may signal as soon as it reads the URL.
  printStartLine(url, json);
}
