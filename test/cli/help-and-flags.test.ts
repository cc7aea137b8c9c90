// The help screens and the README tell the truth about the flags: every flag
// a command's option spec accepts (the OPTIONS object its parseCommandArgs
// gets, read here through the same table `cutover completion` uses) is named
// in that command's --help, in the global --help and in the README's command
// list; and every help screen fits an 80-column terminal.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandSpecs } from '../../src/cli/commands/completion.js';
import { cli, REPO } from '../helpers/cli.js';

const specs = commandSpecs();

/** The lines of a usage listing that belong to `cutover <name>` (its first line and the indented ones after it). */
function block(text: string, name: string, prefix: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let inside = false;
  for (const line of lines) {
    const start = line.startsWith(`${prefix}cutover `);
    if (start) inside = line.startsWith(`${prefix}cutover ${name} `) || line === `${prefix}cutover ${name}`;
    else if (!/^\s+\S/.test(line) || line.startsWith(`${prefix}cutover`)) inside = false;
    if (inside) out.push(line);
  }
  return out.join('\n');
}

function longFlags(flags: string[]): string[] {
  return flags.filter((f) => f.startsWith('--') && f !== '--help');
}

function readmeCommands(): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Commands'));
  return section.slice(section.indexOf('```\n') + 4, section.indexOf('```', section.indexOf('```\n') + 4));
}

describe('help screens and flags', () => {
  it('the global help lists exactly the commands the completion table knows, each with every flag, in 80 columns', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const line of r.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    const listed = new Set([...r.stdout.matchAll(/^ {2}cutover ([a-z-]+)/gm)].map((m) => m[1]));
    listed.delete('--version');
    expect([...listed].sort()).toEqual(specs.filter((s) => !s.name.includes(' ')).map((s) => s.name).sort());
    for (const s of specs) {
      if (s.name === 'check') continue; // its kinds are listed one by one
      const text = block(r.stdout, s.name, '  ');
      expect(text, `global help has no line for cutover ${s.name}`).not.toBe('');
      for (const flag of longFlags(s.flags)) expect(text, `cutover --help, ${s.name}`).toContain(flag);
    }
  });

  it.each(specs.map((s) => [s.name, s] as const))('cutover %s --help names every flag of its option spec and fits 80 columns', async (name, s) => {
    const r = await cli([...name.split(' '), '--help']);
    expect(r.code, r.stderr).toBe(0);
    for (const line of r.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(r.stdout).toMatch(/^Usage:/);
    for (const flag of longFlags(s.flags)) expect(r.stdout, `cutover ${name} --help`).toContain(flag);
    expect(r.stdout).toContain('-h, --help');
  });

  it('the README lists every command and every flag of each', () => {
    const text = readmeCommands();
    for (const s of specs) {
      if (s.name === 'check') continue;
      const lines = block(text, s.name, '');
      expect(lines, `README has no line for cutover ${s.name}`).not.toBe('');
      for (const flag of longFlags(s.flags)) expect(lines, `README, cutover ${s.name}`).toContain(flag);
    }
  });

  it('bare `cutover` prints the help on stdout and exits 2 (no command given)', async () => {
    const [bare, help] = await Promise.all([cli([]), cli(['--help'])]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe(help.stdout);
    expect(bare.stderr).toBe('');
  });
});
