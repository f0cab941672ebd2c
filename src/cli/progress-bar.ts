import cliProgress from 'cli-progress';
import { formatBytes } from '../lineage/short.js';
import { onProgress, type ProgressEvent, type ProgressUnit } from '../progress.js';

// Work that ends sooner than this never draws a bar: no flicker for small files.
const showAfterMs = 300;

interface Shown {
  startedAt: number;
  bar?: cliProgress.SingleBar;
}

/**
 * Draws the domain's progress (src/progress.ts) on a terminal, on stderr: label, bytes or items
 * done of the total, rate and ETA, one line per task at once, cleared when the task ends.
 * Returns the function that stops drawing.
 */
export function drawProgress(stream: NodeJS.WriteStream = process.stderr): () => void {
  // Made when a bar is first needed and stopped when the last one ends: its redraw timer must
  // not keep the process alive.
  let bars: cliProgress.MultiBar | undefined;
  const tasks = new Map<number, Shown>();
  const release = () => {
    if (bars && ![...tasks.values()].some((t) => t.bar)) {
      bars.stop();
      bars = undefined;
    }
  };
  const stop = onProgress((event: ProgressEvent) => {
    if (event.phase === 'start') return void tasks.set(event.task, { startedAt: Date.now() });
    const shown = tasks.get(event.task);
    if (!shown) return;
    if (event.phase === 'end') {
      if (shown.bar) bars?.remove(shown.bar);
      tasks.delete(event.task);
      return release();
    }
    if (!shown.bar && Date.now() - shown.startedAt >= showAfterMs) {
      bars ??= new cliProgress.MultiBar({ stream, format: line, clearOnComplete: true, hideCursor: true, fps: 10, barsize: 24, etaBuffer: 50 });
      shown.bar = bars.create(event.total ?? 0, event.done, { label: event.label, unit: event.unit, startedAt: shown.startedAt });
    }
    if (shown.bar) {
      if (event.total !== undefined) shown.bar.setTotal(event.total);
      shown.bar.update(event.done);
    }
  });
  return () => {
    stop();
    bars?.stop();
  };
}

interface Payload {
  label: string;
  unit: ProgressUnit;
  startedAt: number;
}

/** `hashing orders.csv  [████░░░░]  41%  620 MiB / 1.5 GiB  210 MiB/s  ETA 4s` */
function line(options: cliProgress.Options, params: cliProgress.Params, payload: Payload): string {
  const elapsed = Math.max((Date.now() - payload.startedAt) / 1000, 0.001);
  const amount = (n: number) => (payload.unit === 'bytes' ? formatBytes(Math.round(n)) : String(Math.round(n)));
  const rate = `${amount(params.value / elapsed)}/s`;
  if (!params.total) return `${payload.label}  ${amount(params.value)}  ${rate}`;
  const size = options.barsize ?? 24;
  const filled = Math.round(Math.min(params.progress, 1) * size);
  const bar = '█'.repeat(filled) + '░'.repeat(size - filled);
  const percent = `${Math.floor(Math.min(params.progress, 1) * 100)}%`.padStart(4);
  const eta = Number.isFinite(params.eta) && params.eta > 0 ? `  ETA ${cliProgress.Format.TimeFormat(params.eta, options, 1)}` : '';
  if (payload.unit === 'percent') return `${payload.label}  ${bar} ${percent}${eta}`;
  return `${payload.label}  ${bar} ${percent}  ${amount(params.value)} / ${amount(params.total)}  ${rate}${eta}`;
}
