// `${...}` references, word splitting, shell quoting, var resolution and
// durations (src/runbook/vars.ts). Quoting is checked against a real /bin/sh.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Runbook, VarDecl } from '../../src/runbook/types.js';
import { argvProblem, checkVarType, classifyRef, findRefs, parseDuration, resolveVars, shellQuote, splitWords, substitute } from '../../src/runbook/vars.js';

const pin = { release_tag: 'v1.0.0', commit: 'a'.repeat(40) };
function runbookWith(vars: Record<string, VarDecl>): Runbook {
  return { format: 'cutover-runbook/v1', id: 'rb', title: 'T', version: '1', modes: ['rehearsal'], baseline: pin, target: pin, roles: [], vars, sections: [] };
}

describe('splitWords', () => {
  it('splits on whitespace like a shell, honouring quotes and escapes', () => {
    expect(splitWords(`a "b c" 'd e' f\\ g "h\\"i" 'j\\k' "" x`)).toEqual(['a', 'b c', 'd e', 'f g', 'h"i', 'j\\k', '', 'x']);
  });
  it('treats tabs and newlines as separators and ignores leading/trailing space', () => {
    expect(splitWords('  make\t build \n  --jobs=4  ')).toEqual(['make', 'build', '--jobs=4']);
  });
  it('joins quoted and unquoted parts of one word', () => {
    expect(splitWords(`--name="a b"'c'd`)).toEqual(['--name=a bcd']);
    expect(splitWords(`'it'\\''s'`)).toEqual(["it's"]);
  });
  it('keeps backslashes inside single quotes and only escapes " \\ $ ` inside double quotes', () => {
    expect(splitWords(`'a\\nb' "a\\nb" "a\\\\b" "\\$x"`)).toEqual(['a\\nb', 'a\\nb', 'a\\b', '$x']);
  });
  it('expands nothing: $VARS, globs and ${refs} stay as written', () => {
    expect(splitWords('echo $HOME *.log ${root}')).toEqual(['echo', '$HOME', '*.log', '${root}']);
  });
  it('returns no words for an empty or blank command', () => {
    expect(splitWords('')).toEqual([]);
    expect(splitWords('  \n ')).toEqual([]);
  });
});

describe('argvProblem', () => {
  it('accepts plain commands and quoted operators', () => {
    expect(argvProblem('cargo test --workspace')).toBeUndefined();
    expect(argvProblem(`grep -E 'a|b' "x && y" \\; file`)).toBeUndefined();
    expect(argvProblem('echo ${root} $${literal}')).toBeUndefined();
  });
  it.each([
    ['make build && make test', '"&&"'],
    ['cat log | grep ERROR', '"|"'],
    ['./run.sh > out.log', '">"'],
    ['./run.sh >out.log', '">out.log"'],
    ['./run.sh 2>&1', '"2>&1"'],
    ['cd dir; make', '"dir;"'],
    ['echo $(date)', 'command substitution'],
    ['echo `date`', 'command substitution'],
    ['ls $HOME/src', '"$HOME"'],
  ])('flags shell syntax in %j', (command, syntax) => {
    expect(argvProblem(command)?.message).toContain(`shell syntax (${syntax})`);
    expect(argvProblem(command)?.hint).toContain('shell: true');
  });
  it('names the program that would receive the operator', () => {
    expect(argvProblem('make a && make b')?.message).toContain('passed to make as a literal argument');
  });
  it('flags an unterminated quote', () => {
    expect(argvProblem(`echo "hello`)?.message).toBe('the command has an unterminated " quote');
    expect(argvProblem(`echo 'hello`)?.message).toBe("the command has an unterminated ' quote");
  });
});

describe('findRefs and classifyRef', () => {
  it('finds references and skips $${...} escapes', () => {
    expect(findRefs('a ${x} $${y} ${run.id}-${step.field}').map((r) => r.raw)).toEqual(['x', 'run.id', 'step.field']);
  });
  it('does not take long on a long run of unclosed ${ (it was quadratic)', () => {
    // Quadratic, this would take minutes and hit the test timeout; bench measures speed.
    const text = '${'.repeat(200_000);
    expect(findRefs(text)).toEqual([]);
  });
  it('classifies each kind of reference', () => {
    expect(classifyRef('root')).toEqual({ kind: 'var', name: 'root' });
    expect(classifyRef(' root ')).toEqual({ kind: 'var', name: 'root' });
    expect(classifyRef('run.operator')).toEqual({ kind: 'run', field: 'operator' });
    expect(classifyRef('target.commit')).toEqual({ kind: 'pin', pin: 'target', field: 'commit' });
    expect(classifyRef('baseline.release_tag')).toEqual({ kind: 'pin', pin: 'baseline', field: 'release_tag' });
    expect(classifyRef('window.slot')).toEqual({ kind: 'input', step: 'window', field: 'slot' });
  });
  it.each(['', '1abc', 'a-b', 'a.b.c', '.x', 'x.'])('calls %j invalid', (raw) => {
    expect(classifyRef(raw).kind).toBe('invalid');
  });
});

describe('substitute', () => {
  const lookup = (ref: ReturnType<typeof classifyRef>) => (ref.kind === 'var' && ref.name === 'x' ? 'X' : undefined);
  it('replaces known references and leaves unknown ones as written', () => {
    expect(substitute('a ${x} ${y} ${run.id}', lookup)).toBe('a X ${y} ${run.id}');
  });
  it('turns $${ into a literal ${ without substituting', () => {
    expect(substitute('$${x} and ${x}', lookup)).toBe('${x} and X');
  });
  it('applies the quote function to substituted values only', () => {
    expect(substitute('cp ${x} "$${HOME}"', () => 'a b', shellQuote)).toBe(`cp 'a b' "\${HOME}"`);
  });
});

describe('shellQuote', () => {
  it('leaves safe words bare and single-quotes everything else', () => {
    expect(shellQuote('v1.2.3')).toBe('v1.2.3');
    expect(shellQuote('/a/b-c_d.txt')).toBe('/a/b-c_d.txt');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
  it('gives /bin/sh back exactly the value, as one word, without running anything in it', () => {
    const values = ['a b', "it's", '$(echo pwned)', '`echo pwned`', '"; echo pwned; "', "'; echo pwned; '", '*', '\\', 'line1\nline2', '-n', '', 'ü ✓', '${HOME}', '$HOME'];
    for (const v of values) {
      const out = execFileSync('/bin/sh', ['-c', `printf '%s|' ${shellQuote(v)}`], { encoding: 'utf8' });
      expect(out, JSON.stringify(v)).toBe(`${v}|`);
    }
  });
});

describe('resolveVars', () => {
  const decls: Record<string, VarDecl> = {
    root: { type: 'path', description: 'the checkout' },
    token: { type: 'string', description: 'api token', env: 'CUTOVER_TEST_TOKEN' },
    jobs: { type: 'int', description: 'parallel jobs', default: 4 },
    note: { type: 'string', description: 'optional note', required: false },
  };
  const rb = runbookWith(decls);

  it('takes --var first, then the environment, then the default', () => {
    const r = resolveVars(rb, { root: '/src', token: 'from-flag' }, { CUTOVER_TEST_TOKEN: 'from-env' });
    expect(r.problems).toEqual([]);
    expect(r.values).toEqual({ root: '/src', token: 'from-flag', jobs: '4', note: '' });
    expect(resolveVars(rb, { root: '/src' }, { CUTOVER_TEST_TOKEN: 'from-env' }).values.token).toBe('from-env');
    expect(resolveVars(rb, { root: '/src', jobs: '8' }, { CUTOVER_TEST_TOKEN: 't' }).values.jobs).toBe('8');
  });

  it('names a required var without a value and how to give it (flag or environment)', () => {
    const r = resolveVars(rb, {}, {});
    expect(r.problems.map((p) => p.name).sort()).toEqual(['root', 'token']);
    const token = r.problems.find((p) => p.name === 'token')!;
    expect(token.message).toBe('var token (api token) has no value');
    expect(token.hint).toBe('pass --var token=... or set CUTOVER_TEST_TOKEN in the environment');
  });

  it('reports an undeclared --var and lists the declared ones', () => {
    const r = resolveVars(rb, { root: '/src', rooot: '/x' }, { CUTOVER_TEST_TOKEN: 't' });
    expect(r.problems).toEqual([{ name: 'rooot', message: '--var rooot is not declared by runbook "rb"', hint: 'declared vars are: root, token, jobs, note' }]);
  });

  it('does not take names from Object.prototype for declared vars', () => {
    const r = resolveVars(runbookWith({}), { constructor: 'x' }, {});
    expect(r.problems.map((p) => p.message)).toEqual(['--var constructor is not declared by runbook "rb"']);
    const odd: VarDecl = { type: 'string', description: 'odd name' };
    const r2 = resolveVars(runbookWith({ toString: odd }), {}, {});
    expect(r2.problems.map((p) => p.message)).toEqual(['var toString (odd name) has no value']);
  });

  it('checks each value against its declared type', () => {
    const typed = runbookWith({
      sha: { type: 'sha', description: 's' },
      n: { type: 'int', description: 'n' },
      flag: { type: 'bool', description: 'b' },
      url: { type: 'url', description: 'u' },
      wait: { type: 'duration', description: 'd' },
      tag: { type: 'tag', description: 't' },
      dir: { type: 'path', description: 'p' },
    });
    const bad = resolveVars(typed, { sha: 'abc123', n: '4.5', flag: 'yes', url: 'not a url', wait: '15 minutes', tag: 'v1 2', dir: '' }, {});
    expect(Object.fromEntries(bad.problems.map((p) => [p.name, p.message]))).toEqual({
      sha: 'var sha="abc123" is not a 40-character lower-case commit sha',
      n: 'var n="4.5" is not an integer',
      flag: 'var flag="yes" is not true or false',
      url: 'var url="not a url" is not a URL',
      wait: 'var wait="15 minutes" is not a duration like 15m',
      tag: 'var tag="v1 2" is not a valid git tag name',
      dir: 'var dir="" is an empty path',
    });
    expect(bad.problems.every((p) => p.hint.startsWith(`pass a valid `))).toBe(true);
    const good = resolveVars(typed, { sha: 'f'.repeat(40), n: '-3', flag: 'false', url: 'https://example.com/x', wait: '1h30m', tag: 'v1.2.0-rc.1', dir: '.' }, {});
    expect(good.problems).toEqual([]);
  });
});

describe('parseDuration and duration vars', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['15m', 900_000],
    ['1h30m', 5_400_000],
    ['24h', 86_400_000],
    ['1d', 86_400_000],
    ['0s', 0],
    ['1h1m1s1ms', 3_661_001],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(checkVarType({ type: 'duration', description: '' }, text)).toBeUndefined();
  });
  it.each(['15', '15 m', 'm15', '1.5h', '-1m', ''])('%j is not a duration', (text) => {
    expect(checkVarType({ type: 'duration', description: '' }, text)).toBe('is not a duration like 15m');
  });
});
