import path from 'node:path';
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
  /** PostgreSQL's statement_timeout for every query (`THREADLINE_STATEMENT_TIMEOUT_MS`, 0 for none). */
  statementTimeoutMs: number;
  /** `threadline.yaml`: observers, alert rules and notifiers (`THREADLINE_CONFIG`, default in the working folder). */
  projectFile: string;
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
    statementTimeoutMs: wholeNumber(env, 'THREADLINE_STATEMENT_TIMEOUT_MS', 30_000),
    projectFile: path.resolve(cwd, env.THREADLINE_CONFIG || 'threadline.yaml'),
  };
}

/** A whole number (milliseconds, bytes) from the environment, or the default when unset. */
export function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw invalidArgument(`${name} must be a whole number (0 for none), got '${raw}'`);
  return value;
}
