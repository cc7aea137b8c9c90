// `cutover completion bash|zsh`: the bash script is sourced in a real bash
// and its completion function asked, as the shell asks it on Tab
// (COMP_WORDS/COMP_CWORD); the zsh script is checked with `zsh -n` when zsh
// is installed, and against the same table the bash one comes from.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandSpecs } from '../../src/cli/commands/completion.js';
import { cli } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'cutover-completion-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let bashScript = '';
let zshScript = '';

beforeAll(async () => {
  const [bash, zsh] = await Promise.all([cli(['completion', 'bash']), cli(['completion', 'zsh'])]);
  expect(bash.code, bash.stderr).toBe(0);
  expect(zsh.code, zsh.stderr).toBe(0);
  bashScript = join(tmp, 'cutover.bash');
  zshScript = join(tmp, '_cutover');
  writeFileSync(bashScript, bash.stdout);
  writeFileSync(zshScript, zsh.stdout);
  // A working directory with runbooks, a bundle-like directory and an answers file.
  const work = join(tmp, 'work');
  mkdirSync(join(work, 'evidence', '20261130T120000Z_demo'), { recursive: true });
  writeFileSync(join(work, 'day.yaml'), '');
  writeFileSync(join(work, 'answers file.yaml'), '');
}, 60_000);

/** What bash offers for the command line `words`, the last word being completed. */
function complete(...words: string[]): string[] {
  const script = [
    `source ${JSON.stringify(bashScript)}`,
    `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')})`,
    `COMP_CWORD=${words.length - 1}`,
    '_cutover',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const out = execFileSync('bash', ['--norc', '--noprofile', '-c', script], { cwd: join(tmp, 'work'), encoding: 'utf8' });
  return out.split('\n').filter(Boolean).sort();
}

describe('cutover completion bash', () => {
  it('completes the commands', () => {
    expect(complete('cutover', 're')).toEqual(['report', 'resume']);
    expect(complete('cutover', '')).toEqual(expect.arrayContaining(['run', 'verify', 'check', 'demo', 'completion', '--version']));
  });

  it("completes a command's flags from its option spec", () => {
    const runFlags = commandSpecs().find((s) => s.name === 'run')!.flags.filter((f) => f.startsWith('--')).sort();
    expect(complete('cutover', 'run', 'day.yaml', '--')).toEqual(runFlags);
    expect(complete('cutover', 'resume', '--retry')).toEqual(['--retry', '--retry-failed']);
    expect(complete('cutover', 'check', 'envelope', '--s')).toEqual(['--sample']);
  });

  it('completes the values of --mode, --format, --contract, --scenario and the check kinds', () => {
    expect(complete('cutover', 'run', 'day.yaml', '--mode', '')).toEqual(['cutover', 'rehearsal']);
    expect(complete('cutover', 'report', 'x', '--format', '')).toEqual(['json', 'markdown']);
    expect(complete('cutover', 'check', 'envelope', '--contract', '')).toEqual(['v2', 'v3']);
    expect(complete('cutover', 'demo', '--scenario', '')).toEqual(expect.arrayContaining(['drift', 'red-consumer']));
    expect(complete('cutover', 'check', '')).toEqual(['artifact-digest', 'envelope', 'handoff']);
    expect(complete('cutover', 'completion', '')).toEqual(['bash', 'zsh']);
    expect(complete('cutover', 'signoff', '')).toEqual(['request']);
    expect(complete('cutover', 'signoff', 'request', 'evidence/')).toEqual(['evidence/20261130T120000Z_demo']);
  });

  it('completes runbook and answers files, and bundle directories', () => {
    expect(complete('cutover', 'lint', 'da')).toEqual(['day.yaml']);
    expect(complete('cutover', 'run', 'day.yaml', '--answers', 'ans')).toEqual(['answers file.yaml']);
    expect(complete('cutover', 'verify', 'evidence/')).toEqual(['evidence/20261130T120000Z_demo']);
    // A directory flag offers directories only.
    expect(complete('cutover', 'run', 'day.yaml', '--evidence-dir', '')).toEqual(['evidence']);
    // A flag that takes free text offers nothing.
    expect(complete('cutover', 'run', 'day.yaml', '--operator', '')).toEqual([]);
  });
});

describe('cutover completion zsh', () => {
  const hasZsh = spawnSync('zsh', ['--version']).status === 0;

  it.runIf(hasZsh)('is valid zsh (zsh -n) and registers _cutover for cutover', () => {
    expect(spawnSync('zsh', ['-n', zshScript], { encoding: 'utf8' }).stderr).toBe('');
    const r = spawnSync('zsh', ['-f', '-c', `autoload -U compinit; compinit -u -d ${join(tmp, 'zcompdump')}; source ${zshScript}; print -r -- $_comps[cutover]`], { encoding: 'utf8' });
    expect(r.stdout.trim(), r.stderr).toBe('_cutover');
  });

  it('names every command and every flag of the same table', () => {
    const text = readFileSync(zshScript, 'utf8');
    for (const s of commandSpecs()) {
      expect(text).toMatch(new RegExp(`^ +${s.name.split(' ').at(-1)!}\\)( |$)`, 'm'));
      if (s.name === 'check') continue; // its kinds are its words
      for (const flag of s.flags) expect(text.includes(`'${flag}`) || text.includes(`'*${flag}`), `${s.name} ${flag}`).toBe(true);
    }
  });

  it('refuses a shell it has no script for, with exit 2 and a hint', async () => {
    const r = await cli(['completion', 'fish']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('completion: no completion for the shell "fish"');
    expect(r.stderr).toContain('hint: run `cutover completion bash`');
  });
});
