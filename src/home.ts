import fs from 'node:fs';
import path from 'node:path';
import { ownPaths, type ThreadlineConfig } from './config.js';

const gitignore = '# Created by Threadline: its home is never part of your code.\n*\n';

/**
 * Creates Threadline's home when the embedded database or artifacts live in it and it does not
 * exist yet, with a `.gitignore` of `*` inside (as pytest's cache and venv do), so that git
 * never sees it. A folder that already exists is left as it is: it may be the user's own.
 */
export function ensureHome(config: Pick<ThreadlineConfig, 'home' | 'databaseUrl' | 'artifactsUrl'>): void {
  const home = path.resolve(config.home);
  const [, ...stored] = ownPaths(config);
  if (!stored.some((p) => p.startsWith(home + path.sep))) return;
  if (fs.existsSync(home)) return;
  fs.mkdirSync(path.dirname(home), { recursive: true });
  try {
    fs.mkdirSync(home);
  } catch (error) {
    // Another process made it first: that one writes the .gitignore.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw error;
  }
  fs.writeFileSync(path.join(home, '.gitignore'), gitignore);
}
