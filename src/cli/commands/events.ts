import type { Command } from 'commander';
import { invalidArgument } from '../../errors.js';
import { parseSubject } from '../../api/routes/events.js';
import type { Severity, Stage } from '../../events/types.js';
import { withBackend } from '../backend.js';
import { shortId } from '../../lineage/short.js';
import { formatTime, printJson, printLine, printTable } from '../output.js';

export function registerEvents(program: Command): void {
  const events = program.command('events').description('what the observers saw change, at every stage');

  events
    .command('list')
    .description('events, newest first')
    .option('--stage <stage>', 'code, data, features, training, deployment, production or external')
    .option('--kind <kind>', 'only this kind (data_changed, drift_detected, …)')
    .option('--severity <level>', 'at least this severe: info, warning, error, critical')
    .option('--since <time>', 'a duration back from now (30m, 1h, 1d) or an ISO time')
    .option('--subject <type:id>', 'only events about this entity (run:ID, deployment:prod#3, data:sha256:…)')
    .option('--source <observer>', 'only those recorded by this observer (data:orders)')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'JSON output')
    .action(async (opts: { stage?: string; kind?: string; severity?: string; since?: string; subject?: string; source?: string; limit: string; json?: boolean }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw invalidArgument(`--limit takes a positive whole number, got '${opts.limit}'`);
      const subject = opts.subject === undefined ? undefined : parseSubject(opts.subject);
      await withBackend(async ({ api }) => {
        const rows = await api.listEvents({ stage: opts.stage as Stage | undefined, kind: opts.kind, severity: opts.severity as Severity | undefined, since: opts.since, subject, source: opts.source, limit });
        if (opts.json) return printJson(rows);
        if (rows.length === 0) return printLine('no events');
        printTable([
          ['TIME', 'STAGE', 'SEVERITY', 'KIND', 'SUMMARY', 'ID'],
          ...rows.map((e) => [formatTime(e.time), e.stage, e.severity, e.kind, e.summary, shortId(e.id)]),
        ]);
      });
    });

  events
    .command('show')
    .description('one event with its subjects and details')
    .argument('<id>')
    .option('--json', 'JSON output')
    .action(async (id: string, opts: { json?: boolean }) => {
      await withBackend(async ({ api }) => {
        const event = await api.getEvent(id);
        if (opts.json) return printJson(event);
        printLine(`event ${event.id}`);
        printLine(`  time      ${new Date(event.time).toISOString()}`);
        printLine(`  stage     ${event.stage}   kind ${event.kind}   severity ${event.severity}`);
        printLine(`  source    ${event.source ?? '-'}`);
        printLine(`  summary   ${event.summary}`);
        for (const s of event.subjects) printLine(`  about     ${s.type} ${s.id}`);
        printLine(`  details   ${JSON.stringify(event.details, null, 2).replaceAll('\n', '\n            ')}`);
      });
    });
}
