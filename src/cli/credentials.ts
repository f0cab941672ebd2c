import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Tokens that `threadline login` stored, by server URL: a file under the user's home, readable
 * by its owner only (0600, in a 0700 folder), never in the store or the project.
 */
export interface StoredCredential {
  token: string;
  principal: string;
  createdAt: number;
}

export function credentialsFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.THREADLINE_CREDENTIALS_FILE || path.join(os.homedir(), '.config', 'threadline', 'credentials.json');
}

const keyOf = (url: string) => url.replace(/\/+$/, '');

function readAll(file: string): Record<string, StoredCredential> {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, StoredCredential>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
}

function writeAll(file: string, all: Record<string, StoredCredential>): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Written whole to a private temp file, then renamed: never a moment with the token world-readable.
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(all, null, 2) + '\n', { mode: 0o600 });
  fs.renameSync(temp, file);
}

export function saveCredential(url: string, credential: StoredCredential, file = credentialsFile()): void {
  writeAll(file, { ...readAll(file), [keyOf(url)]: credential });
}

export function removeCredential(url: string, file = credentialsFile()): StoredCredential | undefined {
  const all = readAll(file);
  const removed = all[keyOf(url)];
  if (!removed) return undefined;
  delete all[keyOf(url)];
  // The last credential gone, the file goes too: nothing of it is left behind on the machine.
  if (Object.keys(all).length === 0) fs.rmSync(file, { force: true });
  else writeAll(file, all);
  return removed;
}

/** The token for a server: THREADLINE_TOKEN (CI), else what `threadline login` stored for it. */
export function tokenFor(url: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.THREADLINE_TOKEN || readAll(credentialsFile(env))[keyOf(url)]?.token;
}
