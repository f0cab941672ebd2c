import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { invalidArgument, parseWith } from '../errors.js';
import { stages, type Stage } from '../events/types.js';

/**
 * `threadline.yaml`, read once: which observers run (each stage takes one object, or a list of
 * objects with a `name`), and the `alerts` section. Each observer's own settings are checked by
 * its agent (src/observe/agents/*), so that a new agent brings its schema along.
 */
export interface ProjectFile {
  /** The file read, or undefined when there is none. */
  file?: string;
  /** Relative paths in the file are relative to this folder. */
  baseDir: string;
  observers: ObserverEntry[];
  /** The raw `alerts` section, checked by src/alerts. */
  alerts: unknown;
}

export interface ObserverEntry {
  stage: Stage;
  /** `data:orders`, or the stage alone when it is configured once. */
  name: string;
  /** As written (`30s`, `5m`), or undefined for the agent's default. */
  interval?: string;
  /** The entry without name/interval, for the agent's own schema. */
  settings: Record<string, unknown>;
}

const entry = z.object({ name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'letters, digits, _ . - only').optional(), interval: z.union([z.string(), z.number()]).optional() }).passthrough();
const file = z
  .object({
    observe: z.record(z.string(), z.union([entry, z.array(entry)])).optional(),
    alerts: z.unknown().optional(),
  })
  .passthrough();

export function loadProjectFile(filePath: string): ProjectFile {
  if (!fs.existsSync(filePath)) return { baseDir: path.dirname(filePath), observers: [], alerts: undefined };
  let raw: unknown;
  try {
    raw = parse(fs.readFileSync(filePath, 'utf8')) ?? {};
  } catch (error) {
    throw invalidArgument(`${filePath}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  return readProject(raw, filePath);
}

export function readProject(raw: unknown, filePath: string): ProjectFile {
  const parsed = { data: parseWith(file, raw, `${filePath}: project file`) };
  const observers: ObserverEntry[] = [];
  const seen = new Set<string>();
  for (const [stage, value] of Object.entries(parsed.data.observe ?? {})) {
    if (!(stages as readonly string[]).includes(stage)) throw invalidArgument(`${filePath}: observe.${stage}: unknown stage, one of ${stages.join(', ')}`);
    const list = Array.isArray(value) ? value : [value];
    list.forEach((item, index) => {
      if (Array.isArray(value) && !item.name) throw invalidArgument(`${filePath}: observe.${stage}[${index}]: a list entry needs a name`);
      const name = item.name ? `${stage}:${item.name}` : stage;
      if (seen.has(name)) throw invalidArgument(`${filePath}: observe.${stage}: the name '${name}' is used twice`);
      seen.add(name);
      const { name: _n, interval, ...settings } = item;
      observers.push({ stage: stage as Stage, name, interval: interval === undefined ? undefined : String(interval), settings });
    });
  }
  return { file: filePath, baseDir: path.dirname(filePath), observers, alerts: parsed.data.alerts };
}
