import type { RunArtifact } from '../../../../src/tracking/types.js';

/** A folder of a run's artifacts, or one of its files; a folder's size and file count are its files' summed up. */
export type ArtifactNode =
  | { kind: 'folder'; name: string; path: string; size: number; files: number; children: ArtifactNode[] }
  | { kind: 'file'; name: string; path: string; size: number; artifact: RunArtifact };

/** The artifacts' paths as a tree: folders first, then files, each by name. */
export function artifactTree(artifacts: readonly RunArtifact[]): ArtifactNode[] {
  type Folder = Extract<ArtifactNode, { kind: 'folder' }>;
  const root: Folder = { kind: 'folder', name: '', path: '', size: 0, files: 0, children: [] };
  for (const artifact of artifacts) {
    const parts = artifact.path.split('/').filter(Boolean);
    let folder = root;
    const chain: Folder[] = [root];
    for (const [i, name] of parts.slice(0, -1).entries()) {
      const path = parts.slice(0, i + 1).join('/');
      let next = folder.children.find((c): c is Folder => c.kind === 'folder' && c.name === name);
      if (!next) {
        next = { kind: 'folder', name, path, size: 0, files: 0, children: [] };
        folder.children.push(next);
      }
      folder = next;
      chain.push(folder);
    }
    folder.children.push({ kind: 'file', name: parts.at(-1) ?? artifact.path, path: artifact.path, size: artifact.size, artifact });
    for (const f of chain) {
      f.size += artifact.size;
      f.files += 1;
    }
  }
  const sort = (nodes: ArtifactNode[]) => {
    nodes.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'folder' ? -1 : 1));
    for (const n of nodes) if (n.kind === 'folder') sort(n.children);
  };
  sort(root.children);
  return root.children;
}

/** How a file is previewed: by its media type, else by its extension. */
export function previewKind(a: RunArtifact): 'json' | 'csv' | 'text' | 'image' | undefined {
  const type = a.mediaType ?? '';
  if (/^application\/(.+\+)?json\b/.test(type) || /\.json$/i.test(a.path)) return 'json';
  if (/^text\/csv\b/.test(type) || /\.csv$/i.test(a.path)) return 'csv';
  if (/^image\//.test(type) || /\.(png|jpe?g|gif|svg|webp)$/i.test(a.path)) return 'image';
  if (/^text\//.test(type) || /\.(txt|md|yaml|yml|log|mjs|js|ts|py|toml|cfg|ini|sh|sql|patch|diff)$/i.test(a.path)) return 'text';
  return undefined;
}

/** JSON text pretty-printed; text that is not JSON as it is. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** The first `maxRows` records of CSV text (RFC 4180: quoted fields, doubled quotes, CRLF); `more` when there were others. */
export function parseCsv(text: string, maxRows: number): { rows: string[][]; more: boolean } {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endRow = () => {
    row.push(field);
    field = '';
    if (row.length > 1 || row[0] !== '') rows.push(row);
    row = [];
  };
  for (; i < text.length && rows.length <= maxRows; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') endRow();
    else if (c !== '\r') field += c;
  }
  if (rows.length <= maxRows && (field !== '' || row.length > 0)) endRow();
  return { rows: rows.slice(0, maxRows), more: rows.length > maxRows || i < text.length };
}

/** `5,223 bytes` below 10 kB, else `12.3 kB`, `4.1 MB`. */
export function formatBytes(n: number): string {
  if (n < 10_000) return `${n.toLocaleString('en')} bytes`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = n / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
