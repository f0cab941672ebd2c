/**
 * One column's reference and current distributions as an inline SVG: bars of each sample's
 * share (not count, so samples of different sizes compare) on the same bins, overlaid for
 * numeric bins and side by side for labels. No fonts, scripts or links: it renders offline.
 */
import type { ColumnHistogram } from '../drift-check.js';
import { escapeHtml } from './escape.js';
import { formatNumber, formatShare } from './format.js';

export const REFERENCE_COLOR = '#4c78a8';
export const CURRENT_COLOR = '#f58518';

const WIDTH = 560;
const HEIGHT = 200;
const PAD = { left: 44, right: 8, top: 10, bottom: 38 };

const shares = (counts: number[]) => {
  const total = counts.reduce((s, c) => s + c, 0);
  return counts.map((c) => (total ? c / total : 0));
};

const truncate = (label: string, max: number) => (label.length > max ? label.slice(0, max - 1) + '…' : label);
const px = (x: number) => String(Math.round(x * 10) / 10);

export function svgHistogram(histogram: ColumnHistogram, label: string): string {
  const ref = shares(histogram.reference);
  const cur = shares(histogram.current);
  const top = Math.max(...ref, ...cur, 1e-12);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const n = ref.length;
  const slot = plotW / Math.max(n, 1);
  const y = (share: number) => PAD.top + plotH * (1 - share / top);
  const parts: string[] = [];

  // Grid and y labels at 0, half and the tallest share.
  for (const f of [0, 0.5, 1]) {
    const gy = px(y(top * f));
    parts.push(`<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${gy}" y2="${gy}" stroke="#ddd"/>`);
    parts.push(`<text x="${PAD.left - 4}" y="${gy}" text-anchor="end" dominant-baseline="middle">${formatShare(top * f)}</text>`);
  }

  const bar = (x: number, w: number, share: number, count: number, color: string, what: string, where: string) =>
    `<rect x="${px(x)}" y="${px(y(share))}" width="${px(Math.max(w, 0.5))}" height="${px(PAD.top + plotH - y(share))}" fill="${color}" fill-opacity="0.6"><title>${escapeHtml(`${what} ${where}: ${count.toLocaleString('en')} (${formatShare(share)})`)}</title></rect>`;

  if (histogram.kind === 'bins') {
    const { edges } = histogram;
    for (let i = 0; i < n; i++) {
      const where = `[${formatNumber(edges[i])}, ${formatNumber(edges[i + 1])}${i === n - 1 ? ']' : ')'}`;
      const x = PAD.left + i * slot + 0.5;
      parts.push(bar(x, slot - 1, ref[i]!, histogram.reference[i]!, REFERENCE_COLOR, 'reference', where));
      parts.push(bar(x, slot - 1, cur[i]!, histogram.current[i]!, CURRENT_COLOR, 'current', where));
    }
    const ticks = [0, Math.floor(n / 2), n];
    for (const t of ticks) {
      const tx = px(PAD.left + t * slot);
      parts.push(`<line x1="${tx}" x2="${tx}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH + 4}" stroke="#888"/>`);
      parts.push(`<text x="${tx}" y="${PAD.top + plotH + 16}" text-anchor="${t === 0 ? 'start' : t === n ? 'end' : 'middle'}">${escapeHtml(formatNumber(edges[t]))}</text>`);
    }
  } else {
    const maxChars = Math.max(3, Math.floor(slot / 6.5));
    for (let i = 0; i < n; i++) {
      const name = histogram.labels[i]!;
      const x = PAD.left + i * slot;
      const w = (slot - 4) / 2;
      parts.push(bar(x + 2, w, ref[i]!, histogram.reference[i]!, REFERENCE_COLOR, 'reference', name));
      parts.push(bar(x + 2 + w, w, cur[i]!, histogram.current[i]!, CURRENT_COLOR, 'current', name));
      parts.push(`<text x="${px(x + slot / 2)}" y="${PAD.top + plotH + 16}" text-anchor="middle">${escapeHtml(truncate(name, maxChars))}<title>${escapeHtml(name)}</title></text>`);
    }
  }
  parts.push(`<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH}" stroke="#888"/>`);
  return `<svg class="histogram" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeHtml(`distribution of ${label}: reference and current`)}" font-size="11" font-family="sans-serif" fill="#333">${parts.join('')}</svg>`;
}
