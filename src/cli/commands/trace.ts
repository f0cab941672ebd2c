import type { Command } from 'commander';
import { invalidArgument } from '../../errors.js';
import { formatTrace, traceFormats } from '../../lineage/format/index.js';
import { withBackend } from '../backend.js';

interface TraceFlags {
  downstream?: boolean;
  depth: string;
  json?: boolean;
  format?: string;
}

export function registerTrace(program: Command): void {
  program
    .command('trace')
    .description('the thread from an entity: upstream to the run, code, data and environment that made it, or --downstream to everything that came from it')
    .argument('<id-or-type>', 'run id or prefix, model@alias, model/version, sha256:digest, git commit (or a prefix); or a type (run, commit, data, model…) followed by the id')
    .argument('[id]', 'the id, when a type came first')
    .option('--downstream', 'what came from it (impact) instead of what it came from')
    .option('--depth <n>', 'edges to follow, 0 to 50', '10')
    .option('--json', 'JSON output (same as --format json)')
    .option('--format <format>', `${traceFormats.join(' | ')}`)
    .action(async (first: string, second: string | undefined, flags: TraceFlags) => {
      const [type, id] = second === undefined ? [undefined, first] : [first, second];
      const format = flags.format ?? (flags.json ? 'json' : 'text');
      if (!(traceFormats as readonly string[]).includes(format)) throw invalidArgument(`--format takes ${traceFormats.join(', ')}, got '${format}'`);
      const depth = Number(flags.depth);
      if (!Number.isInteger(depth)) throw invalidArgument(`--depth takes a whole number, got '${flags.depth}'`);
      await withBackend(async ({ api }) => {
        const trace = await api.trace(id, { direction: flags.downstream ? 'downstream' : 'upstream', depth, type });
        process.stdout.write(formatTrace(trace, format));
      });
    });
}
