import { invalidArgument } from '../../errors.js';
import type { TraceResult } from '../trace-types.js';
import type { TraceTextFormat } from '../api.js';
import { formatDot } from './dot.js';
import { formatMermaid } from './mermaid.js';
import { formatText } from './text.js';

export const traceFormats = ['text', 'json', 'dot', 'mermaid'] as const;
export type TraceFormat = (typeof traceFormats)[number];

/** A trace as the chosen format, ending in a newline. */
export function formatTrace(trace: TraceResult, format: string): string {
  switch (format) {
    case 'text':
      return formatText(trace);
    case 'json':
      return JSON.stringify(trace, null, 2) + '\n';
    case 'dot':
      return formatDot(trace);
    case 'mermaid':
      return formatMermaid(trace);
    default:
      throw invalidArgument(`Unknown trace format '${format}': expected ${traceFormats.join(', ')}`);
  }
}

/** The formats that are text (JSON is the trace itself): INVALID_ARGUMENT for any other. */
export function checkTextFormat(format: unknown): TraceTextFormat {
  if (format === 'text' || format === 'dot' || format === 'mermaid') return format;
  throw invalidArgument(`Unknown trace format '${String(format)}': expected text, dot or mermaid`);
}
