import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDrift, type DriftCheckResult } from '../drift-check.js';
import { escapeHtml } from './escape.js';
import { renderDriftReport } from './html.js';
import { svgHistogram } from './svg-histogram.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-drift-html-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const EVIL_COLUMN = '<script>alert(1)</script>';
const EVIL_VALUE = '<img src=x onerror=alert(2)>';

/** Deterministic rows: `moved` shifts in current, the evil-named column and `label` do not. */
function writeCsv(name: string, rows: number, shift: number, seed: number): string {
  const lines = [`moved,"${EVIL_COLUMN}",label`];
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < rows; i++) lines.push(`${(next() * 10 + shift).toFixed(4)},${(next() * 5).toFixed(4)},"${next() < 0.2 ? EVIL_VALUE : next() < 0.5 ? 'a' : 'b'}"`);
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** Tag names in document order, to check that nothing the user wrote became markup. */
const tagsOf = (html: string) => [...html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)[\s>/]/g)].map((m) => m[1]!.toLowerCase());

describe('renderDriftReport', () => {
  let result: DriftCheckResult;
  let html: string;
  beforeAll(async () => {
    result = await checkDrift(writeCsv('ref.csv', 400, 0, 1), writeCsv('cur.csv', 400, 4, 2));
    html = renderDriftReport(result, { generatedAt: '2026-11-25T16:00:00Z' });
  });

  it('draws one SVG histogram per column and puts drifted columns first', () => {
    expect(result.columns.length).toBe(3);
    expect(html.match(/<svg[\s>]/g)?.length).toBe(result.columns.length);
    const cards = [...html.matchAll(/<section class="column( drifted)?" id="column-(\d+)">\s*<header><h2>([^<]*)<\/h2>/g)];
    expect(cards.map((m) => m[3])).toEqual(result.columns.map((c) => escapeHtml(c.column)));
    expect(cards[0]![1]).toBe(' drifted');
    expect(result.columns[0]!.column).toBe('moved');
    expect(cards.filter((m) => m[1]).length).toBe(result.dataset.driftedCount);
  });

  it('is self-contained: no external URL, script, stylesheet link or image', () => {
    expect(html).not.toMatch(/https?:\/\//);
    // User text is escaped, so every '<' left opens one of our tags: check their attributes.
    const tags = html.match(/<[a-zA-Z][^>]*>/g)!;
    const links = tags.flatMap((t) => [...t.matchAll(/\s(src|href)\s*=\s*"([^"]*)"/gi)].map((m) => m[2]!));
    expect(links.length).toBe(result.columns.length);
    for (const link of links) expect(link).toMatch(/^#column-\d+$/);
    expect(tags.filter((t) => /\son[a-z]+\s*=/i.test(t))).toEqual([]);
    expect(tagsOf(html)).not.toContain('script');
    expect(tagsOf(html)).not.toContain('link');
    expect(tagsOf(html)).not.toContain('img');
    expect(html).not.toMatch(/@import|url\(/);
  });

  it('escapes column names and values', () => {
    expect(html).not.toContain(EVIL_COLUMN);
    expect(html).not.toContain(EVIL_VALUE);
    expect(html).toContain(escapeHtml(EVIL_COLUMN));
    expect(html).toContain(escapeHtml(EVIL_VALUE));
  });

  it('states the verdict, the test, score and threshold of every column', () => {
    const verdict = result.dataset.drifted ? 'Dataset drift detected' : 'No dataset drift';
    expect(html).toContain(`<h1>${verdict}</h1>`);
    expect(html).toContain(`${result.dataset.driftedCount} of ${result.dataset.columnCount} columns drifted`);
    const rows = [...html.matchAll(/<tr><td><a href="#column-\d+">([^<]*)<\/a><\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td class="num">([^<]*)<\/td><td class="num">([^<]*)<\/td>/g)];
    expect(rows.map((r) => [r[1], r[3], r[5]])).toEqual(result.columns.map((c) => [escapeHtml(c.column), c.test, String(c.threshold)]));
    expect(html).toContain('generated 2026-11-25T16:00:00Z');
  });

  it('closes every element it opens, in order', () => {
    const stack: string[] = [];
    for (const [, close, name, selfClosing] of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(\/?)>/g)) {
      if (selfClosing || ['meta', 'br'].includes(name!)) continue;
      if (!close) stack.push(name!);
      else expect(stack.pop(), `</${name}>`).toBe(name);
    }
    expect(stack).toEqual([]);
  });

  it('renders the same bytes for the same result', () => {
    expect(renderDriftReport(result, { generatedAt: '2026-11-25T16:00:00Z' })).toBe(html);
  });

  it('renders in a headless browser when Debian chromium is installed', (ctx) => {
    const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
    if (!chromium) return ctx.skip('chromium is not installed (apt-get install chromium)');
    const file = path.join(dir, 'report.html');
    fs.writeFileSync(file, html);
    const dom = execFileSync(chromium, ['--headless', '--no-sandbox', '--disable-gpu', '--dump-dom', `file://${file}`], { encoding: 'utf8', timeout: 60_000 });
    expect(dom.match(/<svg[\s>]/g)?.length).toBe(result.columns.length);
    expect(dom).not.toContain(EVIL_COLUMN);
  });
});

describe('svgHistogram', () => {
  it('overlays two bars per bin with heights proportional to each sample share', () => {
    const svg = svgHistogram({ kind: 'bins', edges: [0, 1, 2, 3], reference: [10, 30, 60], current: [5, 5, 10] }, 'x');
    const heights = [...svg.matchAll(/<rect x="[^"]+" y="[^"]+" width="[^"]+" height="([^"]+)"/g)].map((m) => Number(m[1]));
    expect(heights.length).toBe(6);
    // reference shares .1 .3 .6, current .25 .25 .5: the tallest (.6) fills the plot.
    const [r0, c0, r1, c1, r2, c2] = heights as [number, number, number, number, number, number];
    expect(r2).toBeGreaterThan(c2);
    expect(c0 / r2).toBeCloseTo(0.25 / 0.6, 2);
    expect(r1 / r0).toBeCloseTo(3, 1);
    expect(c1).toBeCloseTo(c0, 5);
  });

  it('labels categories, escaped and truncated, with the full label as a tooltip', () => {
    const long = '<b>' + 'x'.repeat(80);
    const svg = svgHistogram({ kind: 'values', labels: ['a', long], reference: [1, 1], current: [2, 0] }, '<col>');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain(`<title>${escapeHtml(long)}</title>`);
    expect(svg).toContain('aria-label="distribution of &lt;col&gt;: reference and current"');
  });
});
