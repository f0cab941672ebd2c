import type { ShownEdge, ShownNode } from './graph-model';
import { nodeHeight, nodeWidth } from './layout';

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The graph as drawn, as a standalone SVG document (no fonts fetched: a generic family). */
export function graphSvg(nodes: ShownNode[], edges: ShownEdge[], positions: Record<string, { x: number; y: number }>): string {
  const at = (key: string) => positions[key] ?? { x: 0, y: 0 };
  const width = Math.max(0, ...nodes.map((n) => at(n.key).x + nodeWidth)) + 20;
  const height = Math.max(0, ...nodes.map((n) => at(n.key).y + nodeHeight)) + 20;
  const lines = edges.map((e) => {
    const a = at(e.source);
    const b = at(e.target);
    const [x1, y1, x2, y2] = [a.x + nodeWidth + 10, a.y + nodeHeight / 2 + 10, b.x + 10, b.y + nodeHeight / 2 + 10];
    const mid = (x1 + x2) / 2;
    return `<path d="M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}" fill="none" stroke="#888" stroke-width="1.2"/>`;
  });
  const boxes = nodes.map((n) => {
    const { x, y } = at(n.key);
    const summary = n.summary.length > 38 ? `${n.summary.slice(0, 37)}…` : n.summary;
    return `<g transform="translate(${x + 10},${y + 10})"><rect width="${nodeWidth}" height="${nodeHeight}" rx="6" fill="#fff" stroke="${n.start ? '#2563eb' : '#999'}" stroke-width="${n.start ? 2 : 1}"/><text x="8" y="20" font-family="sans-serif" font-size="12" font-weight="bold">${escapeXml(n.label)}</text><text x="8" y="40" font-family="sans-serif" font-size="11">${escapeXml(summary)}</text></g>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><rect width="100%" height="100%" fill="#fff"/>${lines.join('')}${boxes.join('')}</svg>\n`;
}

/** The same SVG rasterised in a canvas. */
export async function svgToPng(svg: string): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.naturalWidth;
    canvas.height = image.naturalHeight;
    canvas.getContext('2d')!.drawImage(image, 0, 0);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('PNG export failed'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Saves a file from the page (an anchor with `download`). */
export function download(name: string, content: Blob | string, type = 'text/plain'): void {
  const url = URL.createObjectURL(typeof content === 'string' ? new Blob([content], { type }) : content);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
