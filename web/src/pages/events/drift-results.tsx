import { useState } from 'react';
import type { ColumnHistogram } from '../../../../src/drift/drift-check.js';
import { formatNumber, formatShare } from '../../../../src/drift/report/format.js';
import { CURRENT_COLOR, REFERENCE_COLOR, svgHistogram } from '../../../../src/drift/report/svg-histogram.js';
import type { ObserverEvent } from '../../../../src/events/types.js';
import { Time } from '../../components/time';

/** One column's score as the observers' drift events carry it (data and features: with histograms). */
export interface DriftColumn {
  column: string;
  test: string;
  score: number;
  threshold: number;
  drifted: boolean;
  histogram?: ColumnHistogram;
}

/** The drift columns of an event: a list (data, features) or keyed by column (production); none if not a drift result. */
export function driftColumns(event: ObserverEvent): DriftColumn[] | undefined {
  const columns = event.details.columns;
  if (Array.isArray(columns)) return columns.every((c) => typeof c === 'object' && c && 'score' in c) ? (columns as DriftColumn[]) : undefined;
  if (columns && typeof columns === 'object') {
    const entries = Object.entries(columns as Record<string, Omit<DriftColumn, 'column'>>);
    return entries.length && entries.every(([, c]) => typeof c === 'object' && c && 'score' in c) ? entries.map(([column, c]) => ({ ...c, column })) : undefined;
  }
  return undefined;
}

/** Drift results among the events: pick one, see its columns and, where kept, the report's histograms. */
export function DriftResults({ events }: { events: ObserverEvent[] }) {
  const results = events.flatMap((event) => {
    const columns = driftColumns(event);
    return columns ? [{ event, columns }] : [];
  });
  const [chosen, setChosen] = useState<string>();
  if (results.length === 0) return <p className="muted">No drift result among these events: the data, features and production observers check drift.</p>;
  const shown = results.find((r) => r.event.id === chosen) ?? results[0]!;
  return (
    <div className="drift">
      <ul className="drift-list" aria-label="Drift results">
        {results.slice(0, 50).map(({ event, columns }) => (
          <li key={event.id}>
            <button type="button" className="linkish" aria-current={event.id === shown.event.id} onClick={() => setChosen(event.id)}>
              <Time ms={event.time} /> {event.kind}: {columns.filter((c) => c.drifted).length} of {columns.length} drifted
            </button>
          </li>
        ))}
      </ul>
      <DriftResult event={shown.event} columns={shown.columns} />
    </div>
  );
}

function DriftResult({ event, columns }: { event: ObserverEvent; columns: DriftColumn[] }) {
  // Drifted columns first, as the report orders its cards; charts only for the result shown.
  const ordered = [...columns].sort((a, b) => Number(b.drifted) - Number(a.drifted));
  const drifted = columns.filter((c) => c.drifted).length;
  return (
    <article className="drift-result" data-testid="drift-result" aria-label={`Drift result of event ${event.id}`}>
      <p className={drifted ? 'sev sev-warning' : 'muted'}>
        {event.summary} ({formatShare(drifted / columns.length)} of columns drifted)
      </p>
      <table>
        <thead>
          <tr>
            <th>column</th>
            <th>test</th>
            <th className="num">score</th>
            <th className="num">threshold</th>
            <th>drift</th>
          </tr>
        </thead>
        <tbody>
          {ordered.map((c) => (
            <tr key={c.column}>
              <td>{c.column}</td>
              <td>{c.test}</td>
              <td className="num">{formatNumber(c.score)}</td>
              <td className="num">{formatNumber(c.threshold)}</td>
              <td className={c.drifted ? 'sev sev-warning' : ''}>{c.drifted ? 'drift' : 'no drift'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="drift-charts">
        {ordered
          .filter((c) => c.histogram)
          .map((c) => (
            <figure key={c.column} className="drift-chart">
              <figcaption>
                {c.column} <span className="swatch" style={{ background: REFERENCE_COLOR }} /> reference <span className="swatch" style={{ background: CURRENT_COLOR }} /> current
              </figcaption>
              {/* The HTML report's own chart: an SVG string it builds with every label escaped. */}
              <div dangerouslySetInnerHTML={{ __html: svgHistogram(c.histogram!, c.column) }} />
            </figure>
          ))}
      </div>
    </article>
  );
}
