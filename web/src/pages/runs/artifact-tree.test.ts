import { describe, expect, it } from 'vitest';
import type { RunArtifact } from '../../../../src/tracking/types.js';
import { artifactTree, formatBytes, parseCsv, prettyJson, previewKind } from './artifact-tree';

const artifact = (path: string, size: number, mediaType: string | null = null): RunArtifact => ({ path, digest: `sha256:${path}`, size, mediaType });

describe('the artifact tree', () => {
  it('nests paths in folders, folders first, sizes and file counts summed up each level', () => {
    const tree = artifactTree([artifact('model/model.json', 100), artifact('metrics.csv', 7), artifact('model/sub/weights.bin', 1000), artifact('model/predict.mjs', 20), artifact('README.md', 3)]);
    expect(tree.map((n) => [n.kind, n.name, n.size])).toEqual([
      ['folder', 'model', 1120],
      ['file', 'metrics.csv', 7],
      ['file', 'README.md', 3],
    ]);
    const model = tree[0]!;
    if (model.kind !== 'folder') throw new Error('model is a folder');
    expect(model.files).toBe(3);
    expect(model.children.map((n) => [n.kind, n.path, n.size])).toEqual([
      ['folder', 'model/sub', 1000],
      ['file', 'model/model.json', 100],
      ['file', 'model/predict.mjs', 20],
    ]);
  });

  it('previews by media type, else by extension', () => {
    expect(['a.json', 'a.csv', 'a.png', 'a.txt', 'a.onnx'].map((p) => previewKind(artifact(p, 1)))).toEqual(['json', 'csv', 'image', 'text', undefined]);
    expect(previewKind(artifact('blob', 1, 'application/vnd.x+json'))).toBe('json');
    expect(previewKind(artifact('blob', 1, 'text/csv; charset=utf-8'))).toBe('csv');
    expect(prettyJson('{"a":[1,2]}')).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
    expect(prettyJson('not json')).toBe('not json');
  });

  it('reads CSV with quotes, doubled quotes and CRLF, up to a row limit', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\r\n3,\n', 10)).toEqual({ rows: [['a', 'b'], ['x, y', 'say "hi"'], ['3', '']], more: false });
    expect(parseCsv('h\n1\n2\n3\n4\n', 3)).toEqual({ rows: [['h'], ['1'], ['2']], more: true });
    expect(parseCsv('h\n1', 3)).toEqual({ rows: [['h'], ['1']], more: false });
    expect([formatBytes(5223), formatBytes(12_345), formatBytes(4_100_000)]).toEqual(['5,223 bytes', '12.3 kB', '4.1 MB']);
  });
});
