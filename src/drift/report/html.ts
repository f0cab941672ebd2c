/**
 * The drift report as one self-contained HTML page: inline CSS and inline SVG, no script, no
 * external URL, so it opens offline and can be mailed or attached to a CI run. Verdict on top,
 * a summary table, then one card per column (drifted first): histograms overlaid, the test,
 * score and threshold, and both profiles side by side.
 */
import type { ColumnDriftReport, DriftCheckResult, ProfileSummary } from '../drift-check.js';
import { escapeHtml as e } from './escape.js';
import { formatCount, formatNumber, formatShare } from './format.js';
import { CURRENT_COLOR, REFERENCE_COLOR, svgHistogram } from './svg-histogram.js';

export interface HtmlReportOptions {
  /** When the report was made (ISO time); passed in so a report can be reproduced byte for byte. */
  generatedAt?: string;
  title?: string;
}

const CSS = `
:root { --ref: ${REFERENCE_COLOR}; --cur: ${CURRENT_COLOR}; --bad: #c0392b; --ok: #2e7d32; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; background: #f6f7f9; }
main { max-width: 1180px; margin: 0 auto; padding: 24px; }
h1 { margin: 0 0 4px; font-size: 24px; }
h2 { margin: 0; font-size: 17px; word-break: break-all; }
.verdict { padding: 18px 22px; border-radius: 8px; color: #fff; margin-bottom: 18px; }
.verdict.drift { background: var(--bad); }
.verdict.ok { background: var(--ok); }
.verdict p { margin: 0; font-size: 15px; }
.meter { height: 8px; background: rgba(255,255,255,.35); border-radius: 4px; margin-top: 10px; position: relative; }
.meter span { display: block; height: 100%; background: #fff; border-radius: 4px; }
.meter i { position: absolute; top: -4px; width: 2px; height: 16px; background: #111; }
section { background: #fff; border-radius: 8px; padding: 16px 20px; margin-bottom: 18px; box-shadow: 0 1px 2px rgba(0,0,0,.06); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 10px 4px 0; border-bottom: 1px solid #eee; vertical-align: top; }
th { font-weight: 600; color: #555; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.sources td { word-break: break-all; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; color: #fff; vertical-align: middle; }
.badge.drift { background: var(--bad); }
.badge.ok { background: var(--ok); }
.column { border-left: 5px solid var(--ok); }
.column.drifted { border-left-color: var(--bad); }
.column header { display: flex; gap: 12px; align-items: baseline; flex-wrap: wrap; margin-bottom: 6px; }
.column .meta { color: #555; }
.body { display: flex; gap: 24px; flex-wrap: wrap; align-items: flex-start; }
.body svg { max-width: 100%; height: auto; }
.profile { flex: 1 1 300px; }
.legend { font-size: 12px; color: #555; margin: 2px 0 4px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin: 0 4px 0 10px; vertical-align: middle; }
.swatch.ref { background: var(--ref); opacity: .75; }
.swatch.cur { background: var(--cur); opacity: .75; }
a { color: inherit; }
footer { color: #777; font-size: 12px; text-align: center; padding: 8px; }
`;

const badge = (drifted: boolean) => (drifted ? '<span class="badge drift">drift</span>' : '<span class="badge ok">no drift</span>');

/** "p = 0.0012 < 0.05" or "distance 0.21 ≥ 0.1": how the verdict was reached. */
function rule(c: ColumnDriftReport): string {
  if (c.scoreKind === 'pvalue') return `p-value ${formatNumber(c.score)} ${c.drifted ? '&lt;' : '≥'} threshold ${formatNumber(c.threshold)}`;
  return `distance ${formatNumber(c.score)} ${c.drifted ? '≥' : '&lt;'} threshold ${formatNumber(c.threshold)}`;
}

const TEST_NAMES: Record<string, string> = {
  ks: 'Kolmogorov–Smirnov',
  chisquare: 'chi-square',
  z: 'Z-test for proportions',
  wasserstein: 'Wasserstein (normed)',
  jensenshannon: 'Jensen–Shannon',
  psi: 'PSI',
};

function profileTable(c: ColumnDriftReport): string {
  const row = (name: string, pick: (p: ProfileSummary) => string) =>
    `<tr><th>${name}</th><td class="num">${pick(c.reference)}</td><td class="num">${pick(c.current)}</td></tr>`;
  const rows = [row('count', (p) => formatCount(p.count)), row('missing', (p) => formatCount(p.missing)), row('distinct', (p) => (p.distinct === undefined ? '–' : formatCount(p.distinct)))];
  if (c.kind === 'numeric') {
    rows.push(
      row('mean', (p) => formatNumber(p.mean)),
      row('std', (p) => formatNumber(p.std)),
      row('min', (p) => formatNumber(p.min)),
      row('median', (p) => formatNumber(p.median)),
      row('max', (p) => formatNumber(p.max)),
    );
  } else {
    const top = (p: ProfileSummary) => (p.top ?? []).map((t) => `${e(t.value)} (${formatCount(t.count)})`).join('<br>') || '–';
    rows.push(row('top values', top));
  }
  return `<table class="profile"><thead><tr><th></th><th class="num">reference</th><th class="num">current</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function columnCard(c: ColumnDriftReport, index: number): string {
  return `<section class="column${c.drifted ? ' drifted' : ''}" id="column-${index}">
<header><h2>${e(c.column)}</h2>${badge(c.drifted)}<span class="meta">${e(c.type)} · ${e(c.kind)} · ${e(TEST_NAMES[c.test] ?? c.test)}: ${rule(c)}</span></header>
<div class="legend"><span class="swatch ref"></span>reference<span class="swatch cur"></span>current</div>
<div class="body">${svgHistogram(c.histogram, c.column)}${profileTable(c)}</div>
</section>`;
}

export function renderDriftReport(result: DriftCheckResult, options: HtmlReportOptions = {}): string {
  const d = result.dataset;
  const title = options.title ?? 'Drift report';
  const summaryRows = result.columns
    .map(
      (c, i) =>
        `<tr><td><a href="#column-${i}">${e(c.column)}</a></td><td>${e(c.type)}</td><td>${e(c.test)}</td><td class="num">${formatNumber(c.score)}</td><td class="num">${formatNumber(c.threshold)}</td><td>${badge(c.drifted)}</td></tr>`,
    )
    .join('\n');
  const skipped = result.skipped.length
    ? `<section><h2>Not compared</h2><table><thead><tr><th>column</th><th>type</th><th>why</th></tr></thead><tbody>${result.skipped
        .map((s) => `<tr><td>${e(s.column)}</td><td>${e(s.type)}</td><td>${e(s.reason)}</td></tr>`)
        .join('')}</tbody></table></section>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<div class="verdict ${d.drifted ? 'drift' : 'ok'}">
<h1>${d.drifted ? 'Dataset drift detected' : 'No dataset drift'}</h1>
<p>${d.driftedCount} of ${d.columnCount} columns drifted (${formatShare(d.share)}); the dataset drifts when at least ${formatShare(d.driftShare)} do.</p>
<div class="meter" title="share of drifted columns"><span style="width:${(d.share * 100).toFixed(1)}%"></span><i style="left:${(d.driftShare * 100).toFixed(1)}%"></i></div>
</div>
<section class="sources">
<table>
<tr><th></th><th>file</th><th>format</th><th class="num">rows</th></tr>
<tr><th><span class="swatch ref"></span>reference</th><td>${e(result.reference.path)}</td><td>${e(result.reference.format)}</td><td class="num">${formatCount(result.reference.rows)}</td></tr>
<tr><th><span class="swatch cur"></span>current</th><td>${e(result.current.path)}</td><td>${e(result.current.format)}</td><td class="num">${formatCount(result.current.rows)}</td></tr>
</table>
<p class="meta">Test: ${e(result.test === 'auto' ? 'chosen per column by type and size (Evidently rules)' : result.test)}${options.generatedAt ? ` · generated ${e(options.generatedAt)}` : ''}</p>
</section>
<section>
<h2>Columns</h2>
<table>
<thead><tr><th>column</th><th>type</th><th>test</th><th class="num">score</th><th class="num">threshold</th><th>drift</th></tr></thead>
<tbody>
${summaryRows}
</tbody>
</table>
</section>
${result.columns.map(columnCard).join('\n')}
${skipped}
<footer>threadline drift report</footer>
</main>
</body>
</html>
`;
}
