import type { ImageConfig } from './media-types.js';

/** What Threadline puts into the image config on top of the base's. */
export interface ConfigLayer {
  created: string;
  env: Record<string, string>;
  labels: Record<string, string>;
  entrypoint: string[];
  cmd: string[];
  exposedPorts: string[];
  workingDir: string;
  diffIds: string[];
  /** One `created_by` per added layer, in order. */
  history: string[];
}

const defaultPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The config of the new image: the base's (if any) with our env and labels merged over it (ours
 * win), our entrypoint, our layers appended to its diff_ids and history.
 */
export function imageConfig(base: ImageConfig | undefined, add: ConfigLayer): ImageConfig {
  const env = new Map<string, string>();
  for (const line of base?.config.Env ?? [`PATH=${defaultPath}`]) {
    const eq = line.indexOf('=');
    env.set(eq < 0 ? line : line.slice(0, eq), eq < 0 ? '' : line.slice(eq + 1));
  }
  for (const [key, value] of Object.entries(add.env)) env.set(key, value);
  const ports = Object.fromEntries([...Object.keys(base?.config.ExposedPorts ?? {}), ...add.exposedPorts].sort().map((p) => [p, {}]));
  return {
    ...(base ?? {}),
    created: add.created,
    architecture: base?.architecture ?? 'amd64',
    os: base?.os ?? 'linux',
    config: {
      ...(base?.config ?? {}),
      Env: [...env].map(([k, v]) => `${k}=${v}`),
      Entrypoint: add.entrypoint,
      Cmd: add.cmd,
      ExposedPorts: ports,
      Labels: { ...(base?.config.Labels ?? {}), ...add.labels },
      WorkingDir: add.workingDir,
    },
    rootfs: { type: 'layers', diff_ids: [...(base?.rootfs.diff_ids ?? []), ...add.diffIds] },
    history: [...(base?.history ?? []), ...add.history.map((createdBy) => ({ created: add.created, created_by: createdBy, comment: 'threadline image build' }))],
  };
}

/** JSON with object keys sorted, so the same config always has the same bytes and digest. */
export function canonicalJson(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(sortKeys(value)));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}
