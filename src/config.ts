import path from 'node:path';
import { parseDuration } from './duration.js';
import { invalidArgument } from './errors.js';

/** Where Threadline keeps its state and how to reach it, resolved once from the environment. */
export interface ThreadlineConfig {
  /** Folder of the embedded default (`.threadline`). */
  home: string;
  /** `postgres://…` or a SQLite file path. */
  databaseUrl: string;
  /** A local folder or `s3://bucket/prefix`. */
  artifactsUrl: string;
  /** S3 options, used only when artifactsUrl is `s3://…`. */
  s3: { endpoint?: string; region: string; forcePathStyle: boolean };
  /** Remote server URL: when set, the CLI talks HTTP instead of opening the store. */
  serverUrl?: string;
  /** `threadline.yaml`: observers, alert rules and notifiers (`THREADLINE_CONFIG`, default in the working folder). */
  projectFile: string;
  /** SIGTERM: how long in-flight requests may take to finish before sockets are cut (THREADLINE_SHUTDOWN_GRACE, default 25s). */
  shutdownGraceMs: number;
  /** PostgreSQL's statement_timeout for every query (`THREADLINE_STATEMENT_TIMEOUT_MS`, 0 for none). */
  statementTimeoutMs: number;
  /** Level of the server's JSON log on stderr (THREADLINE_LOG_LEVEL, default info); 5xx are logged at error. */
  logLevel: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ThreadlineConfig {
  const home = path.resolve(cwd, env.THREADLINE_HOME ?? '.threadline');
  return {
    home,
    databaseUrl: env.THREADLINE_DB_URL || path.join(home, 'threadline.db'),
    artifactsUrl: env.THREADLINE_ARTIFACTS || path.join(home, 'artifacts'),
    s3: {
      endpoint: env.THREADLINE_S3_ENDPOINT || env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined,
      region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
      forcePathStyle: (env.THREADLINE_S3_PATH_STYLE ?? 'true') !== 'false',
    },
    serverUrl: env.THREADLINE_URL || undefined,
    projectFile: path.resolve(cwd, env.THREADLINE_CONFIG || 'threadline.yaml'),
    shutdownGraceMs: durationSetting(env.THREADLINE_SHUTDOWN_GRACE || '25s', 'THREADLINE_SHUTDOWN_GRACE'),
    logLevel: logLevel(env.THREADLINE_LOG_LEVEL || 'info'),
    statementTimeoutMs: wholeNumber(env, 'THREADLINE_STATEMENT_TIMEOUT_MS', 30_000),
  };
}

/**
 * Threadline's own files, which are never part of a run's code version: the home, and the
 * SQLite database (with its -wal/-shm/-journal) and local artifacts folder wherever they are.
 */
export function ownPaths(config: Pick<ThreadlineConfig, 'home' | 'databaseUrl' | 'artifactsUrl'>): string[] {
  const paths = [config.home];
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(config.databaseUrl)) {
    const db = path.resolve(config.databaseUrl);
    paths.push(db, `${db}-wal`, `${db}-shm`, `${db}-journal`);
  }
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(config.artifactsUrl)) paths.push(path.resolve(config.artifactsUrl));
  return paths;
}

const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function logLevel(value: string): string {
  if (!levels.includes(value)) throw invalidArgument(`THREADLINE_LOG_LEVEL takes one of ${levels.join(', ')}, got '${value}'`);
  return value;
}

/** A duration from the environment: `25s`, `500ms`, or a bare number of seconds. */
export function durationSetting(value: string, name: string): number {
  return parseDuration(/^\d+(\.\d+)?$/.test(value) ? Number(value) : value, name);
}

/** A whole number (milliseconds, bytes) from the environment, or the default when unset. */
export function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw invalidArgument(`${name} must be a whole number (0 for none), got '${raw}'`);
  return value;
}
