import { Help, type Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commandTable } from './command-table.js';
import { buildFullProgram, buildProgram, topLevelNames } from './program.js';

describe('the CLI program', () => {
  it('answers help and --version from the command table alone, with no command group loaded', async () => {
    for (const argv of [['--help'], ['--version'], ['-V'], [], ['nonsense']]) {
      const program = await buildProgram(['node', 'threadline', ...argv]);
      expect(program.commands.map((c) => c.name()).sort()).toEqual([...topLevelNames].sort());
      // Stubs: no options, no subcommands, no implementation behind them.
      expect(program.commands.every((c) => c.options.length === 0 && c.commands.length === 0)).toBe(true);
    }
  });

  it('declares every top-level command as the real one reads in help', async () => {
    const real = await buildFullProgram();
    const help = new Help();
    expect(real.commands.map((c) => c.name()).sort()).toEqual([...topLevelNames].sort());
    for (const entry of commandTable) {
      const command = real.commands.find((c) => c.name() === entry.name)!;
      expect({ name: entry.name, term: help.subcommandTerm(command), description: command.description() }).toEqual({ name: entry.name, term: entry.term, description: entry.description });
    }
  });

  it('loads only the group a call runs, and every command of that group', async () => {
    for (const name of topLevelNames) {
      for (const argv of [[name, '--json'], ['help', name]]) {
        const program = await buildProgram(['node', 'threadline', ...argv]);
        const names = program.commands.map((c) => c.name());
        expect(names).toContain(name);
        expect(names.length).toBeLessThanOrEqual(3);
      }
    }
  });

  it('accepts --json on every command that prints a result (every leaf command)', async () => {
    const leaves = (command: Command, path: string[]): { path: string; json: boolean }[] =>
      command.commands.length === 0 ? [{ path: path.join(' '), json: command.options.some((o) => o.long === '--json') }] : command.commands.flatMap((c) => leaves(c, [...path, c.name()]));
    const all = leaves(await buildFullProgram(), []);
    expect(all.length).toBeGreaterThan(30);
    expect(all.filter((leaf) => !leaf.json).map((leaf) => leaf.path)).toEqual([]);
  });
});
