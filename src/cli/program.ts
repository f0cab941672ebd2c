import { Command } from 'commander';
import { commandTable, type CommandEntry } from './command-table.js';

/** The names every group defines at the top level, for tests that check the table is complete. */
export const topLevelNames = commandTable.map((c) => c.name);

/**
 * The program with what `argv` needs: a call loads only the group of the command it runs (each
 * group pulls in its domain, the store, DuckDB, the S3 client…). Help, --version and unknown
 * names get the command table only, as help-only stubs.
 */
export async function buildProgram(argv: readonly string[] = process.argv): Promise<Command> {
  const program = baseProgram();
  // Top-level options are only --help and --version, so the first word that is not an option names the command.
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  // `help runs` is `runs --help`.
  const first = words[0] === 'help' ? words[1] : words[0];
  const wanted = commandTable.filter((c) => c.name === first);
  if (wanted.length > 0) await loadGroups(program, wanted);
  else addStubs(program);
  return program;
}

/** Every command group, loaded: for tests that walk every command. */
export async function buildFullProgram(): Promise<Command> {
  const program = baseProgram();
  await loadGroups(program, commandTable);
  return program;
}

function baseProgram(): Command {
  return new Command('threadline')
    .description('trace every prediction back to the code, data, environment and run that made it')
    .version('0.1.0')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

async function loadGroups(program: Command, entries: CommandEntry[]): Promise<void> {
  for (const load of new Set(entries.map((e) => e.load))) (await load())(program);
}

function addStubs(program: Command): void {
  const terms = new Map(commandTable.map((c) => [c.name, c.term]));
  for (const entry of commandTable) program.command(entry.name).description(entry.description);
  program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd.name()) ?? cmd.name() });
}
