import path from 'node:path';
import { invalidArgument } from '../errors.js';

/** How much of the untracked files a dirty patch may carry; bigger ones are listed, not stored. */
export interface PatchLimits {
  /** Largest untracked file stored in a patch, in bytes. */
  maxFileBytes: number;
  /** Largest total of untracked files stored in one patch, in bytes. */
  maxTotalBytes: number;
}

const MiB = 1024 * 1024;
export const defaultPatchLimits: PatchLimits = { maxFileBytes: MiB, maxTotalBytes: 10 * MiB };

const units: Record<string, number> = { '': 1, b: 1, k: 1e3, kb: 1e3, kib: 1024, m: 1e6, mb: 1e6, mib: MiB, g: 1e9, gb: 1e9, gib: 1024 * MiB };

/** `1048576`, `512KiB`, `1MiB`, `10MB`, `2g`: a byte count for a cap. */
export function parseByteSize(text: string, what: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const factor = match ? units[match[2]!.toLowerCase()] : undefined;
  if (!match || factor === undefined) throw invalidArgument(`${what} wants a size such as 1048576, 512KiB or 10MiB, got '${text}'`);
  return Math.floor(Number(match[1]) * factor);
}

/**
 * The caps from THREADLINE_PATCH_MAX_FILE / THREADLINE_PATCH_MAX_TOTAL, overridden by the
 * `threadline run` flags of the same meaning when given.
 */
export function patchLimitsFrom(env: NodeJS.ProcessEnv, flags: { maxFile?: string; maxTotal?: string } = {}): PatchLimits {
  const file = flags.maxFile ?? env.THREADLINE_PATCH_MAX_FILE;
  const total = flags.maxTotal ?? env.THREADLINE_PATCH_MAX_TOTAL;
  return {
    maxFileBytes: file ? parseByteSize(file, 'the per-file patch cap (THREADLINE_PATCH_MAX_FILE, --patch-max-file)') : defaultPatchLimits.maxFileBytes,
    maxTotalBytes: total ? parseByteSize(total, 'the total patch cap (THREADLINE_PATCH_MAX_TOTAL, --patch-max-total)') : defaultPatchLimits.maxTotalBytes,
  };
}

/**
 * Files that hold credentials by convention: dotenv files, keys and certificates, SSH private
 * keys, cloud and package-registry credential files. Their content never goes into a patch.
 */
const secretNames = [
  /^\.env$/,
  /^\.env\..+/,
  /\.env$/,
  /\.(pem|key|p12|pfx|jks|keystore|ppk|asc|gpg)$/,
  /^id_(rsa|dsa|ecdsa|ed25519)(?!.*\.pub$)/,
  /^credentials(\.(json|ya?ml|ini|toml|csv))?$/,
  /^\.?(netrc|pgpass|npmrc|pypirc|git-credentials|htpasswd)$/,
  /^(client_secrets?|service[-_]account.*|secrets?)\.(json|ya?ml|toml)$/,
  /^\.dockercfg$/,
];

export function isSecretFile(relPath: string): boolean {
  const name = path.posix.basename(relPath).toLowerCase();
  return secretNames.some((pattern) => pattern.test(name));
}
