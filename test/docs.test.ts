import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFullProgram } from '../src/cli/program.js';

// The docs name commands and flags; this test holds them to the CLI's own commander definitions,
// so a renamed flag or a removed command cannot stay documented.

const root = path.resolve(import.meta.dirname, '..');

/** README.md and every Markdown file under docs/. */
function markdownFiles(): string[] {
  const found = ['README.md'];
  const walk = (dir: string) => {
    if (!fs.existsSync(path.join(root, dir))) return;
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.md')) found.push(rel);
    }
  };
  walk('docs');
  return found.sort();
}

/** The code of a Markdown text, by line: fenced and indented blocks whole, inline `spans` of other lines. */
export function codeOf(text: string): { line: number; code: string }[] {
  const out: { line: number; code: string }[] = [];
  let fenced = false;
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (/^\s*(```|~~~)/.test(raw)) {
      fenced = !fenced;
      return;
    }
    if (fenced || /^ {4,}\S/.test(raw)) out.push({ line, code: raw });
    else for (const m of raw.matchAll(/(`+)(.+?)\1/g)) out.push({ line, code: m[2]!.replace(/\\\|/g, '|') });
  });
  return out;
}

/** Each `threadline …` invocation in a piece of code, up to the next one, a shell separator or `--`. */
export function invocationsOf(code: string): string[][] {
  const out: string[][] = [];
  for (const start of code.matchAll(/(?:^|[\s(="'$])threadline\s+(?=[a-z])/g)) {
    const rest = code.slice(start.index + start[0].length);
    const words: string[] = [];
    let depth = 0;
    for (const token of rest.split(/\s+/)) {
      if (token === '' || token === 'threadline') break;
      if (token === '--' || token === '&&' || token === ';' || token === '||' || (token === '|' && depth === 0)) break;
      depth += (token.match(/\[/g) ?? []).length - (token.match(/\]/g) ?? []).length;
      words.push(token.replace(/^[[(]+/, '').replace(/[\])…,.;:]+$/, ''));
      if (token.endsWith(')') && !token.includes('(')) break; // the end of a $( … ) around it
    }
    if (words.length > 0) out.push(words);
  }
  return out;
}

const globalFlags = new Set(['--help', '-h', '--version', '-V']);
const flagsOf = (command: Command) => new Set(command.options.flatMap((o) => [o.long, o.short]).filter((f): f is string => !!f));

/** What is wrong with one invocation against the program, or nothing. */
export function checkInvocation(program: Command, words: string[]): string[] {
  const [name, second] = words;
  const command = program.commands.find((c) => c.name() === name || c.aliases().includes(name!));
  if (!command) return [`no command '${name}'`];
  if (command.commands.length > 0 && second !== undefined && !second.startsWith('-')) {
    // `runs list|show ID`: each alternative must be a subcommand, and its options are its own.
    const subs = second.split('|').map((s) => command.commands.find((c) => c.name() === s));
    if (subs.every((s) => s !== undefined)) return subs.flatMap((sub) => checkFlags(sub!, `${name} ${sub!.name()}`, words.slice(2)));
    if (command.registeredArguments.length === 0) return [`no command '${name} ${second}'`];
  }
  return checkFlags(command, name!, words.slice(1));
}

function checkFlags(command: Command, label: string, words: string[]): string[] {
  const known = flagsOf(command);
  return words
    .filter((w) => /^--?[A-Za-z][\w-]*(=.*)?$/.test(w))
    .map((w) => w.replace(/=.*$/, ''))
    .filter((flag) => !known.has(flag) && !globalFlags.has(flag))
    .map((flag) => `'threadline ${label}' has no option ${flag}`);
}

describe('the docs name only commands and options that exist', () => {
  let program: Command;
  beforeAll(async () => {
    program = await buildFullProgram();
  });

  it('finds a wrong option, a wrong command and a wrong subcommand (the check can fail)', () => {
    const text = [
      'Run `threadline runs list --experiment E --json` or `threadline run --nope -- make --nope`.',
      '    threadline frobnicate --json',
      '    threadline models promote NAME',
      '| `threadline rollback --env ENV [--run RUN_ID \\| --to N]` | `threadline trace X --depth 3` |',
      '```',
      'id=$(threadline run --experiment E -- python train.py --epochs 3) && threadline runs show "$id" --jsn',
      '```',
    ].join('\n');
    const found = codeOf(text).flatMap(({ line, code }) => invocationsOf(code).flatMap((words) => checkInvocation(program, words).map((p) => `${line}: ${p}`)));
    expect(found).toEqual([
      "1: 'threadline run' has no option --nope",
      "2: no command 'frobnicate'",
      "3: no command 'models promote'",
      "6: 'threadline runs show' has no option --jsn",
    ]);
  });

  it('in README.md and docs/', () => {
    const files = markdownFiles();
    expect(files).toContain('docs/cli.md');
    const problems: string[] = [];
    let checked = 0;
    for (const file of files) {
      for (const { line, code } of codeOf(fs.readFileSync(path.join(root, file), 'utf8'))) {
        for (const words of invocationsOf(code)) {
          checked++;
          for (const problem of checkInvocation(program, words)) problems.push(`${file}:${line}: ${problem}  (${['threadline', ...words].join(' ')})`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });
});
