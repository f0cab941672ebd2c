import { describe, expect, it } from 'vitest';
import { buildProgram, topLevelNames } from './program.js';

describe('the CLI program', () => {
  it('loads every command group for help, and the group table names exactly the commands they define', async () => {
    const all = await buildProgram(['node', 'threadline', '--help']);
    expect(all.commands.map((c) => c.name()).sort()).toEqual([...topLevelNames].sort());
  });

  it('loads only the group a call runs, and every command of that group', async () => {
    for (const name of topLevelNames) {
      const program = await buildProgram(['node', 'threadline', name, '--json']);
      const names = program.commands.map((c) => c.name());
      expect(names).toContain(name);
      expect(names.length).toBeLessThanOrEqual(3);
    }
    expect((await buildProgram(['node', 'threadline', 'nonsense'])).commands.length).toBe(topLevelNames.length);
  });
});
