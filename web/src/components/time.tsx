const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 31_536_000_000],
  ['month', 2_592_000_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];
const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

export function relativeTime(ms: number, now = Date.now()): string {
  const diff = ms - now;
  for (const [unit, size] of units) if (Math.abs(diff) >= size || unit === 'second') return relative.format(Math.round(diff / size), unit);
  return '';
}

/** A time as "3 minutes ago", the absolute UTC time on hover and for machines. */
export function Time({ ms }: { ms: number | null | undefined }) {
  if (ms === null || ms === undefined) return <span>-</span>;
  const iso = new Date(ms).toISOString();
  return (
    <time dateTime={iso} title={iso}>
      {relativeTime(ms)} <span className="muted">({iso.replace('T', ' ').slice(0, 19)}Z)</span>
    </time>
  );
}
