// What a command step turns into (src/runbook/resolve.ts, shell.ts), checked
// by running the result: argv values stay one word, and in shell form no
// value is ever executed, whatever quoting its reference sits in.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refLookup, render, resolveCheckParams, resolveCommand, resolveCwd, resolvePins, type RefContext } from '../../src/runbook/resolve.js';
import { substituteShell } from '../../src/runbook/shell.js';
import type { CheckStep, CommandStep, Runbook } from '../../src/runbook/types.js';

const baseline = { release_tag: 'v0.3.2', commit: 'c'.repeat(40) };
const target = { release_tag: 'v0.4.0', commit: 'd'.repeat(40) };
const ctxWith = (vars: Record<string, string>): RefContext => ({ vars, baseline, target, run: { operator: 'alice', mode: 'rehearsal' } });
const command = (run: string | string[], extra: Partial<CommandStep> = {}): CommandStep => ({ id: 'c', kind: 'command', title: 'T', run, ...extra });

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cutover-resolve-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a shell command in `dir` and returns its stdout. */
const sh = (cmd: string, env: NodeJS.ProcessEnv = {}) => execFileSync('/bin/sh', ['-c', cmd], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });

describe('argv form (no shell)', () => {
  it('splits the string before substituting, so a value with spaces and shell syntax stays one argument', () => {
    const value = 'a b; rm -rf / $(touch pwned) `touch pwned`';
    const cmd = resolveCommand(command(`printf '%s|' --x=\${v} "\${v}"`), dir, ctxWith({ v: value }));
    expect(cmd.argv).toEqual(['printf', '%s|', `--x=${value}`, value]);
    expect(cmd.shellCommand).toBeUndefined();
    const out = execFileSync(cmd.argv![0]!, cmd.argv!.slice(1), { cwd: dir, encoding: 'utf8' });
    expect(out).toBe(`--x=${value}|${value}|`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('substitutes inside list items without splitting them', () => {
    const cmd = resolveCommand(command(['echo', '${v}', '${target.release_tag}', '$${v}']), dir, ctxWith({ v: 'x y' }));
    expect(cmd.argv).toEqual(['echo', 'x y', 'v0.4.0', '${v}']);
  });

  it('shows the operator the argv shell-quoted', () => {
    expect(resolveCommand(command('echo ${v}'), dir, ctxWith({ v: "it's here" })).display).toBe(`echo 'it'\\''s here'`);
  });
});

describe('the rest of a command step', () => {
  it('resolves cwd relative to the runbook directory, with vars; absolute cwds stay', () => {
    expect(resolveCommand(command('true', { cwd: 'sub/${v}' }), '/rb', ctxWith({ v: 'x' })).cwd).toBe('/rb/sub/x');
    expect(resolveCommand(command('true', { cwd: '${v}' }), '/rb', ctxWith({ v: '/abs/path' })).cwd).toBe('/abs/path');
    expect(resolveCommand(command('true'), '/rb', ctxWith({})).cwd).toBe('/rb');
    expect(resolveCwd('../up', '/rb/dir', ctxWith({}))).toBe('/rb/up');
  });

  it('substitutes env values, parses the timeout, defaults expect_exit to [0] and resolves pin_commit', () => {
    const cmd = resolveCommand(command('true', { env: { A: '${v}', B: 'lit' }, timeout: '1m30s', expect_exit: [0, 3], pin_commit: '${target.commit}' }), dir, ctxWith({ v: 'val' }));
    expect(cmd.env).toEqual({ A: 'val', B: 'lit' });
    expect(cmd.timeoutMs).toBe(90_000);
    expect(cmd.expectExit).toEqual([0, 3]);
    expect(cmd.pinCommit).toBe(target.commit);
    const plain = resolveCommand(command('true'), dir, ctxWith({}));
    expect(plain.expectExit).toEqual([0]);
    expect(plain.timeoutMs).toBeUndefined();
  });

  it('renders pins that are vars, and check parameters recursively', () => {
    const rb = { baseline, target: { release_tag: '${tag}', commit: '${sha}' } } as unknown as Runbook;
    expect(resolvePins(rb, { tag: 'v9', sha: 'e'.repeat(40) }).target).toEqual({ release_tag: 'v9', commit: 'e'.repeat(40) });
    const check: CheckStep = { id: 'k', kind: 'check', title: 'K', check: 'artifact-digest', with: { root: '${v}/dist', artifacts: [{ path: '${v}.tar', sha256: 'f'.repeat(64) }], strict: true } };
    expect(resolveCheckParams(check, ctxWith({ v: 'app' }))).toEqual({ root: 'app/dist', artifacts: [{ path: 'app.tar', sha256: 'f'.repeat(64) }], strict: true });
  });

  it('looks up only own properties (${constructor} is not Object.prototype.constructor)', () => {
    const lookup = refLookup(ctxWith({}));
    expect(lookup({ kind: 'var', name: 'constructor' })).toBeUndefined();
    expect(lookup({ kind: 'run', field: 'toString' })).toBeUndefined();
    expect(lookup({ kind: 'pin', pin: 'target', field: 'hasOwnProperty' })).toBeUndefined();
    expect(render('${constructor} ${run.operator} ${baseline.commit}', ctxWith({}))).toBe(`\${constructor} alice ${baseline.commit}`);
  });
});

describe('shell form: no value is ever executed', () => {
  const PAYLOADS = [
    '$(touch pwned)',
    '`touch pwned`',
    "'; touch pwned; '",
    '"; touch pwned; "',
    "x' ; touch pwned ; echo '",
    '"$(touch pwned)"',
    '\\$(touch pwned)',
    '\\`touch pwned\\`',
    '$(touch pwned)\\',
    'a b  c',
    "it's",
    '*',
    '$HOME ${HOME}',
    '',
    'EOF',
  ];
  /** template → what printf prints for value v (newlines never occur in these payloads). */
  const TEMPLATES: [string, (v: string) => string][] = [
    [`printf '%s|' \${v}`, (v) => `${v}|`],
    [`printf '%s|' "\${v}"`, (v) => `${v}|`],
    [`printf '%s|' '\${v}'`, (v) => `${v}|`],
    [`printf '%s|' "pre \${v} post"`, (v) => `pre ${v} post|`],
    [`printf '%s|' 'pre \${v} post'`, (v) => `pre ${v} post|`],
    [`printf '%s|' x\${v}y`, (v) => `x${v}y|`],
    [`printf '%s|' "$(printf '%s' \${v})"`, (v) => `${v}|`],
    [`printf '%s|' "$(printf '%s' "\${v}")"`, (v) => `${v}|`],
    ["printf '%s|' \"`printf '%s' ${v}`\"", (v) => `${v}|`],
    ["printf '%s|' \"`printf '%s' \"${v}\"`\"", (v) => `${v}|`],
    [`printf '%s|' \${v} # don't trip on this apostrophe`, (v) => `${v}|`],
    [`printf ok # \${v}`, () => 'ok'],
    ['cat <<EOF\n${v}\nEOF', (v) => `${v}\n`],
    ["cat <<EOF\ndon't say ${v}\nEOF", (v) => `don't say ${v}\n`],
    ["cat <<'EOF'\n[${v}]\nEOF", (v) => `[${v}]\n`],
    ['cat <<-EOF\n\t${v}\n\tEOF', (v) => `${v}\n`],
    ["v=$(cat <<EOF\n${v}\nEOF\n); printf '%s|' \"$v\"", (v) => `${v}|`],
  ];

  for (const [template, expected] of TEMPLATES) {
    it(`keeps every payload inert and intact in ${JSON.stringify(template)}`, () => {
      for (const payload of PAYLOADS) {
        const cmd = resolveCommand(command(template, { shell: true }), dir, ctxWith({ v: payload }));
        const out = sh(cmd.shellCommand!);
        expect(readdirSync(dir), `${JSON.stringify(payload)} ran as code: ${cmd.shellCommand}`).toEqual([]);
        expect(out, `${JSON.stringify(payload)} in ${cmd.shellCommand}`).toBe(expected(payload));
      }
    });
  }

  it('never runs a value with newlines, even in comments and here-documents (newlines become spaces there)', () => {
    const payload = 'a\ntouch pwned\nEOF\ntouch pwned';
    for (const template of [`printf '%s|' \${v}`, `printf '%s|' "\${v}"`, 'printf ok # ${v}', 'cat <<EOF\n${v}\nEOF', "cat <<'EOF'\n${v}\nEOF"]) {
      const cmd = resolveCommand(command(template, { shell: true }), dir, ctxWith({ v: payload }));
      sh(cmd.shellCommand!);
      expect(existsSync(join(dir, 'pwned')), cmd.shellCommand).toBe(false);
    }
    const quoted = resolveCommand(command(`printf '%s|' "\${v}"`, { shell: true }), dir, ctxWith({ v: payload }));
    expect(sh(quoted.shellCommand!)).toBe(`${payload}|`);
  });

  it('does not end a here-document early when a value equals its delimiter', () => {
    const cmd = resolveCommand(command('cat <<EOF\n${v}\necho this is body text, not a command\nEOF', { shell: true }), dir, ctxWith({ v: 'EOF' }));
    expect(sh(cmd.shellCommand!)).toBe('EOF\necho this is body text, not a command\n');
  });

  it('quotes each item of a list as one word (the list form with shell: true)', () => {
    for (const payload of PAYLOADS) {
      const cmd = resolveCommand(command(['printf', '%s|', 'x${v}', '${v}'], { shell: true }), dir, ctxWith({ v: payload }));
      expect(sh(cmd.shellCommand!), cmd.shellCommand).toBe(`x${payload}|${payload}|`);
      expect(readdirSync(dir)).toEqual([]);
    }
  });

  it('lets $${...} through to the shell as a shell variable', () => {
    const cmd = resolveCommand(command(`printf '%s|' "$\${GREETING}" \${v}`, { shell: true }), dir, ctxWith({ v: 'x' }));
    expect(cmd.shellCommand).toBe(`printf '%s|' "\${GREETING}" x`);
    expect(sh(cmd.shellCommand!, { GREETING: 'hi' })).toBe('hi|x|');
  });

  it('leaves unknown references and backslash-escaped $ as written', () => {
    expect(substituteShell('echo ${nope} \\${v} ${v}', (ref) => (ref.kind === 'var' && ref.name === 'v' ? 'V' : undefined))).toBe('echo ${nope} \\${v} V');
  });
});
