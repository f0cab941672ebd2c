import type { Metric } from '../../../../src/tracking/types.js';

const colours = ['#0b57d0', '#c2410c', '#15803d', '#9333ea', '#b91c1c', '#0e7490'];

/** Series over steps as one small SVG line chart; several series overlaid (compare runs). */
export function MetricChart({ title, series }: { title: string; series: { name: string; points: Metric[] }[] }) {
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return <p className="muted">{title}: no values.</p>;
  const [w, h, pad] = [360, 160, 28];
  const steps = all.map((p) => p.step);
  const values = all.map((p) => p.value).filter(Number.isFinite);
  const [x0, x1] = [Math.min(...steps), Math.max(...steps)];
  const [y0, y1] = [Math.min(...values), Math.max(...values)];
  const x = (step: number) => pad + ((step - x0) / (x1 - x0 || 1)) * (w - pad * 2);
  const y = (value: number) => h - pad - ((value - y0) / (y1 - y0 || 1)) * (h - pad * 2);
  return (
    <figure>
      <svg className="chart" width={w} height={h} role="img" aria-label={`${title}: ${series.map((s) => `${s.name} last ${s.points.at(-1)?.value}`).join(', ')}`}>
        <text x={pad} y={14} fontSize="11" fill="currentColor">
          {title}  ({y0.toPrecision(3)} – {y1.toPrecision(3)})
        </text>
        {series.map((s, i) => {
          const points = [...s.points].sort((a, b) => a.step - b.step).filter((p) => Number.isFinite(p.value));
          if (points.length === 1) return <circle key={s.name} cx={x(points[0]!.step)} cy={y(points[0]!.value)} r={3} fill={colours[i % colours.length]} />;
          return <path key={s.name} d={points.map((p, j) => `${j ? 'L' : 'M'}${x(p.step)},${y(p.value)}`).join(' ')} stroke={colours[i % colours.length]} />;
        })}
      </svg>
      {series.length > 1 && (
        <figcaption>
          {series.map((s, i) => (
            <span key={s.name} style={{ color: colours[i % colours.length], marginRight: 8 }}>
              ■ {s.name}
            </span>
          ))}
        </figcaption>
      )}
    </figure>
  );
}
