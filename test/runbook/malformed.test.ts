// The malformed-runbook corpus: every file in test/fixtures/malformed (and a
// few generated here: empty, binary, huge, alias bomb, deep nesting, a
// directory, a missing path, ...) is linted. Each must exit 2 with a
// positioned, specific message and a hint, never a stack trace. The corpus
// is linted in-process (cliInProcess: the command's main with the entry
// point's error handling); the generated files that are about the process
// surviving them (a FIFO, nesting that aborted V8, an alias or node bomb) go
// through the real built CLI, where a hang is caught by runCli's kill
// timeout (the signal is asserted null), as does the 5,000-step cycle. Speed is measured by `npm run bench`, never here. The
// bad line of a fixture carries a `# <-` comment.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { CRASH, ensureBuilt, mapLimit, ROOT, runCli, type CliResult } from './run-cli.js';

const CORPUS = join(ROOT, 'test/fixtures/malformed');
/** Spawns in flight: one per core (the CI box has two), at most four. */
const PARALLEL = Math.min(4, Math.max(1, availableParallelism()));

interface Case {
  /** Text the reported message must contain (so a different error fails the test). */
  message: string;
  /** Text the hint must contain, where the hint is the point. */
  hint?: string;
  /** Expected line; default: the line marked `# <-` in the fixture. */
  line?: number;
  col?: number;
  /** Diagnostics expected in total (default 1). */
  count?: number;
}

const CASES: Record<string, Case> = {
  // YAML syntax
  'yaml-unclosed-quote.yaml': { message: 'the quoted string "… that starts here is never closed', hint: 'add the closing "', col: 8 },
  'yaml-bad-indentation.yaml': { message: 'this line is indented deeper than line 3', col: 4 },
  'yaml-missing-colon.yaml': { message: '"title Say hello" is not a `key: value` line (the colon after the key is missing)' },
  'yaml-unclosed-flow-mapping.yaml': { message: 'the flow mapping { that starts here is never closed with }', col: 11 },
  'yaml-unclosed-flow-sequence.yaml': { message: 'the flow sequence [ that starts here is never closed with ]', col: 8 },
  'yaml-tab-indentation.yaml': { message: 'a tab is used for indentation', hint: 'indent with spaces', col: 1 },
  'yaml-duplicate-key.yaml': { message: 'key "title" appears twice in the same mapping (first on line 4)', col: 1 },
  'yaml-duplicate-key-in-step.yaml': { message: 'key "run" appears twice in the same mapping (first on line 22)' },
  'yaml-multiple-documents.yaml': { message: 'a second YAML document starts here' },
  'yaml-undefined-alias.yaml': { message: 'YAML alias *command refers to an anchor that is not defined before it' },
  'yaml-unquoted-ref-in-flow.yaml': { message: 'a ${...} reference inside a { ... } mapping must be quoted', hint: 'run: "echo ${root}"' },
  'yaml-top-level-list.yaml': { message: 'the runbook must be a mapping, not a list' },
  'yaml-top-level-scalar.yaml': { message: 'the runbook must be a mapping, not string "just some text"' },
  'not-a-runbook.yaml': { message: 'does not look like a runbook: it has no `format: cutover-runbook/v1`' },
  // wrong types
  'type-modes-string.yaml': { message: 'modes must be a list, not string "rehearsal"', col: 8 },
  'type-steps-mapping.yaml': { message: 'section "s1".steps must be a list, not a mapping' },
  'type-timeout-number.yaml': { message: 'step "hello".timeout must be a string, not number 30', hint: 'write a duration such as 90s, 15m' },
  'type-required-yes.yaml': { message: 'step "hello".required must be a boolean, not string "yes"', hint: 'true or false' },
  'type-version-number.yaml': { message: 'version must be a string, not number 1 (written 1.0)', hint: 'quote the value' },
  'type-run-mapping.yaml': { message: 'step "hello".run must be a list of words or a string, not a mapping' },
  'type-requires-string.yaml': { message: 'step "second".requires must be a list, not string "hello"' },
  'type-roles-null.yaml': { message: 'roles must be a list, not null (empty)' },
  'step-is-a-string.yaml': { message: 'sections[0].steps[0] must be a mapping, not string "hello"', hint: 'write the step as a mapping' },
  'run-empty.yaml': { message: 'step "hello".run is empty' },
  // missing or unknown fields, wrong values
  'missing-runbook-id.yaml': { message: 'the runbook is missing the required field "id"' },
  'missing-format.yaml': { message: 'the runbook is missing the required field "format"', hint: 'format: cutover-runbook/v1' },
  'missing-step-title.yaml': { message: 'step "hello" is missing the required field "title"' },
  'missing-command-run.yaml': { message: 'step "hello" is missing the required field "run"', hint: 'run: [make, test]' },
  'wrong-format-value.yaml': { message: 'format must be "cutover-runbook/v1", not "cutover-runbook/v2"', col: 9 },
  'unknown-step-kind.yaml': { message: 'step "hello".kind is "shell", an unknown step kind' },
  // `comand:` also leaves the step without `run:` (reported at the step, line 19)
  'unknown-step-field.yaml': { message: 'unknown field "comand" in step "hello"', hint: 'did you mean "run" (required here and missing)?', count: 2 },
  'unknown-top-level-field.yaml': { message: 'unknown field "sectons" in the runbook', hint: 'did you mean "sections"?', count: 2 },
  'unknown-input-field-key.yaml': { message: 'unknown field "option" in step "window".fields[0]', hint: 'did you mean "options"?' },
  'invalid-duration.yaml': { message: 'step "hello".due.within has an invalid value "15 minutes"', hint: 'write a duration such as 90s, 15m' },
  'invalid-pin-commit.yaml': { message: 'target.commit has an invalid value "7e4806a"', hint: '40-character', col: 11 },
  'invalid-step-id.yaml': { message: 'sections[0].steps[0].id has an invalid value "Say Hello"', hint: 'lower case letters' },
  'invalid-expect-exit.yaml': { message: 'step "hello".expect_exit[1] is 300; it must be at most 255', hint: '0 to 255' },
  'empty-steps.yaml': { message: 'section "s1".steps must have at least 1 item' },
  'var-missing-description.yaml': { message: 'vars.root is missing the required field "description"' },
  'var-bad-name.yaml': { message: 'var name "my-var" is not valid', col: 3 },
  'decision-option-missing-go.yaml': { message: 'step "decide".options[0] is missing the required field "go"', hint: 'go: false' },
  // ids and references
  'duplicate-step-ids.yaml': { message: 'duplicate step id "hello" (first used at line 19)' },
  'duplicate-role-ids.yaml': { message: 'duplicate role id "pa"' },
  'duplicate-section-ids.yaml': { message: 'duplicate section id "s1"' },
  'reserved-step-id.yaml': { message: 'step id "run" is reserved' },
  'dangling-requires.yaml': { message: 'step "second" requires unknown step "helo"', hint: 'did you mean "hello"?' },
  'dangling-due-after.yaml': { message: 'deadline of step "hello" is anchored to unknown step "build"' },
  'undeclared-owner.yaml': { message: 'step "hello" is owned by undeclared role "sre"', hint: 'captain, pa, ca' },
  'undeclared-signoff-role.yaml': { message: 'sign-off "sign" names undeclared role "qa"' },
  'decision-requires-unknown-step.yaml': { message: 'option "go" requires unknown step "smoke"' },
  'decision-requires-unknown-signoff.yaml': { message: 'option "go" requires unknown sign-off "approval"' },
  'decision-requires-signoff-not-signoff.yaml': { message: 'option "go" lists "hello" as a sign-off, but it is a command step' },
  'rollback-missing.yaml': { message: 'rollback runbook "./no-such-rollback.yaml" does not exist' },
  'undeclared-var.yaml': { message: '${release_dir} is not a declared var', hint: 'root' },
  'run-field-unknown.yaml': { message: '${run.nope} is not a run field', hint: 'run.operator' },
  'target-field-unknown.yaml': { message: '${target.nope} is not a pin field', hint: 'target.commit' },
  'invalid-ref-syntax.yaml': { message: 'invalid reference ${a.b.c}' },
  'input-ref-in-command.yaml': { message: '${window.slot} refers to a recorded input, which is only available in notice templates and statements' },
  'input-ref-non-input-step.yaml': { message: '${hello.stdout} refers to step "hello", which is a command step, not an input' },
  'input-ref-missing-field.yaml': { message: 'input step "window" has no field "slto"', hint: 'did you mean "slot"?' },
  'input-ref-unknown-step.yaml': { message: '${windw.slot} refers to unknown step "windw"', hint: 'did you mean "window"?' },
  'input-ref-recorded-later.yaml': { message: '${window.slot} refers to an input recorded after this step' },
  // graph, decisions, inputs, checks, commands
  'dependency-cycle.yaml': { message: 'dependency cycle: a → c → b → a' },
  'self-requires.yaml': { message: 'step "hello" requires itself' },
  'decision-no-nogo.yaml': { message: 'decision "decide" has no NO-GO option', hint: 'go: false' },
  'step-after-decision.yaml': { message: 'step "announce" comes after the decision "decide" and could never run', hint: 'move it before the decision' },
  'go-without-joint-signoff.yaml': { message: 'GO option "go" is not locked behind a joint sign-off', hint: 'producer and consumer approver roles' },
  'runtime-cutover-in-rehearsal.yaml': { message: '"GO (runtime cutover)" must exist only in cutover mode, never in a rehearsal', hint: 'modes: [cutover]' },
  'select-without-options.yaml': { message: 'step "window".fields[0] is missing the required field "options"' },
  'invalid-regex-pattern.yaml': { message: 'field "ticket" has an invalid regular expression (Unterminated group)' },
  'option-mode-not-in-runbook.yaml': { message: 'option "go" is for mode "cutover", which this runbook does not allow' },
  'artifact-digest-both.yaml': { message: 'step "digests".with has both `artifacts:` and `from:`' },
  'artifact-digest-neither.yaml': { message: 'step "digests".with has neither `artifacts:` nor `from:`' },
  'check-unknown-name.yaml': { message: 'step "payload".check is "handoff"; it must be one of', hint: 'did you mean "handoff-payload"?' },
  'check-missing-params.yaml': { message: 'step "payload".with is missing the required field "payload"', hint: 'manifest:' },
  'check-unknown-param.yaml': { message: 'unknown field "polcy" in step "envelope".with', hint: 'did you mean "policy"?' },
  'check-bad-sha256.yaml': { message: 'step "digests".with.artifacts[0].sha256 has an invalid value "9f86d0818"', hint: '64-character' },
  'argv-shell-operator.yaml': { message: 'the command uses shell syntax ("&&"), but without `shell: true` it is passed to make as a literal argument', hint: 'shell: true' },
  'argv-unterminated-quote.yaml': { message: 'the command has an unterminated " quote' },
};

/** Fixtures with a test of their own below. */
const SEPARATE = new Set(['multi-error.yaml']);

interface Reported {
  line: number;
  col: number;
  message: string;
  hint: string;
}

/** Parses `file:line:col: message` + `  hint: ...` pairs from lint's stderr. */
function diagnosticsOf(stderr: string, file: string): { positioned: Reported[]; headers: number } {
  const lines = stderr.split('\n');
  const positioned: Reported[] = [];
  let headers = 0;
  lines.forEach((text, i) => {
    if (!text.startsWith(`${file}:`)) return;
    headers++;
    const m = /^:(\d+):(\d+): (.*)$/.exec(text.slice(file.length));
    const hint = /^ {2}hint: (.+)$/.exec(lines[i + 1] ?? '')?.[1] ?? '';
    if (m) positioned.push({ line: Number(m[1]), col: Number(m[2]), message: m[3]!, hint });
  });
  return { positioned, headers };
}

function markerLine(text: string, file: string): number {
  const marked = text.split('\n').flatMap((l, i) => (l.includes('# <-') ? [i + 1] : []));
  if (marked.length !== 1) throw new Error(`${file}: expected exactly one "# <-" marker, found ${marked.length}`);
  return marked[0]!;
}

beforeAll(async () => {
  await ensureBuilt();
}, 180_000);

function expectCleanFailure(r: CliResult, name: string) {
  expect(r.signal, `${name} was killed`).toBeNull();
  expect(r.stderr, `${name} crashed`).not.toMatch(CRASH);
  expect(r.code, `${name}: exit code\n${r.stderr}`).toBe(2);
}

describe('the malformed corpus', () => {
  const files = readdirSync(CORPUS).filter((f) => f.endsWith('.yaml')).sort();

  it('has a case for every fixture and a fixture for every case', () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
    expect(files.filter((f) => !SEPARATE.has(f))).toEqual(Object.keys(CASES).sort());
  });

  it('lints every fixture to exit 2 with a positioned, specific message and a hint', async () => {
    const names = Object.keys(CASES);
    const results: CliResult[] = [];
    for (const name of names) results.push(await cliInProcess(['lint', relative(ROOT, join(CORPUS, name))]));
    names.forEach((name, i) => {
      const r = results[i]!;
      const c = CASES[name]!;
      const file = relative(ROOT, join(CORPUS, name));
      expectCleanFailure(r, name);
      expect(r.stdout, name).toBe('');
      const { positioned, headers } = diagnosticsOf(r.stderr, file);
      expect(headers, `${name}: number of problems reported\n${r.stderr}`).toBe(c.count ?? 1);
      const expectedLine = c.line ?? markerLine(readFileSync(join(CORPUS, name), 'utf8'), name);
      const hit = positioned.find((d) => d.message.includes(c.message));
      expect(hit, `${name}: no diagnostic containing ${JSON.stringify(c.message)} in\n${r.stderr}`).toBeDefined();
      expect(hit!.line, `${name}: line of ${JSON.stringify(hit!.message)}`).toBe(expectedLine);
      if (c.col !== undefined) expect(hit!.col, `${name}: column`).toBe(c.col);
      expect(hit!.col).toBeGreaterThan(0);
      expect(hit!.hint.length, `${name}: hint`).toBeGreaterThan(10);
      if (c.hint) expect(hit!.hint, `${name}: hint`).toContain(c.hint);
      // Every problem has a hint, not only the expected one.
      expect(r.stderr.split('\n').filter((l) => l.startsWith('  hint: ')).length, name).toBe(headers);
      expect(r.stderr).toMatch(new RegExp(`cutover lint: ${headers} problem\\(s\\) in 1 of 1 file\\(s\\)`));
    });
  });

  it('reports every independent problem of one file, schema and semantic alike, each on its line', async () => {
    const file = relative(ROOT, join(CORPUS, 'multi-error.yaml'));
    const text = readFileSync(join(CORPUS, 'multi-error.yaml'), 'utf8');
    const r = await cliInProcess(['lint', file]);
    expectCleanFailure(r, 'multi-error.yaml');
    const { positioned, headers } = diagnosticsOf(r.stderr, file);
    const marked = text.split('\n').flatMap((l, i) => (l.includes('# <-') ? [i + 1] : []));
    expect(marked).toHaveLength(9);
    expect(headers).toBe(9);
    expect(positioned.map((d) => d.line)).toEqual(marked);
    const expected = [
      'version must be a string',
      'step "build" is missing the required field "run"',
      'unknown field "comand"',
      'step "build".timeout must be a string',
      '${nope} is not a declared var',
      'step "test" requires unknown step "biuld"',
      'owned by undeclared role "sre"',
      'duplicate step id "test"',
      'decision "decide" has no NO-GO option',
    ];
    expected.forEach((fragment, i) => expect(positioned[i]!.message).toContain(fragment));
  });

  it('lints several files in one run and names each bad one', async () => {
    const good = relative(ROOT, join(ROOT, 'test/runbook/fixtures/ok.yaml'));
    const bad = relative(ROOT, join(CORPUS, 'dangling-requires.yaml'));
    const r = await cliInProcess(['lint', good, bad]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe(`${good}: ok\n`);
    expect(r.stderr).toContain(`${bad}:29:13: step "second" requires unknown step "helo"`);
    expect(r.stderr).toContain('1 problem(s) in 1 of 2 file(s)');
  });

  it('gives the same diagnostics as JSON with --json', async () => {
    const file = relative(ROOT, join(CORPUS, 'yaml-tab-indentation.yaml'));
    const r = await cliInProcess(['lint', '--json', file]);
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout) as { ok: boolean; files: { file: string; ok: boolean; diagnostics: Reported[] }[] };
    expect(out.ok).toBe(false);
    expect(out.files[0]!.diagnostics).toEqual([{ file, line: 21, col: 1, message: 'YAML syntax error: a tab is used for indentation', hint: expect.stringContaining('spaces') }]);
  });
});

describe('hostile files generated at test time', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-hostile-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const lines = (n: number, make: (i: number) => string) => Array.from({ length: n }, (_, i) => make(i)).join('');
  const bomb = () => {
    let text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    const names = 'abcdefghi';
    for (let i = 1; i < names.length; i++) text += `${names[i]}: &${names[i]} [${Array(9).fill(`*${names[i - 1]}`).join(',')}]\n`;
    return text;
  };

  // `spawn`: linted by the real CLI, because the point is the process surviving the file
  // (a FIFO that would block a read, nesting that aborted V8, an expansion that eats memory).
  const HOSTILE: { name: string; make?: (path: string) => void; message: string; line?: number; spawn?: boolean }[] = [
    { name: 'empty.yaml', make: (p) => writeFileSync(p, ''), message: 'the file is empty' },
    { name: 'blank.yaml', make: (p) => writeFileSync(p, '  \n\n\t\n'), message: 'the file is empty' },
    { name: 'comments-only.yaml', make: (p) => writeFileSync(p, '# nothing here\n# at all\n'), message: 'the runbook must be a mapping, not null' },
    { name: 'binary.yaml', make: (p) => writeFileSync(p, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))), message: 'is a binary file' },
    { name: 'latin1.yaml', make: (p) => writeFileSync(p, Buffer.from('title: caf\xe9\n', 'latin1')), message: 'is not valid UTF-8 text' },
    { name: 'huge.yaml', make: (p) => writeFileSync(p, '# padding\n'.repeat(400_000)), message: 'a runbook may be at most 1 MiB' },
    { name: 'alias-bomb.yaml', make: (p) => writeFileSync(p, bomb()), message: 'YAML aliases expand to too many nodes', line: 2, spawn: true },
    { name: 'deep-flow.yaml', make: (p) => writeFileSync(p, `${'['.repeat(10_000)}${']'.repeat(10_000)}\n`), message: 'nesting deeper than 64 levels', line: 1 },
    { name: 'deep-flow-unclosed.yaml', make: (p) => writeFileSync(p, `${'['.repeat(10_000)}\n`), message: 'nesting deeper than 64 levels', line: 1, spawn: true },
    { name: 'deep-flow-maps.yaml', make: (p) => writeFileSync(p, `${'{a: '.repeat(10_000)}${'}'.repeat(10_000)}\n`), message: 'nesting deeper than 64 levels', line: 1 },
    // `- - - - x`: one line, 100,000 levels (this aborted the process in V8 before)
    { name: 'deep-compact-seq.yaml', make: (p) => writeFileSync(p, `${'- '.repeat(100_000)}x\n`), message: 'nesting deeper than 64 levels', line: 1, spawn: true },
    { name: 'deep-block.yaml', make: (p) => writeFileSync(p, lines(1400, (i) => `${' '.repeat(i)}a:\n`)), message: 'nesting deeper than 64 levels', line: 65 },
    { name: 'wide-map.yaml', make: (p) => writeFileSync(p, lines(50_000, (i) => `k${i}: ${i}\n`)), message: 'a mapping with more than 1000 keys', line: 1 },
    { name: 'many-nodes.yaml', make: (p) => writeFileSync(p, `tools: [${lines(150_000, () => '1,')}1]\n`), message: 'YAML nodes; a runbook may have at most', spawn: true },
    { name: 'fifo.yaml', make: (p) => execMkfifo(p), message: 'is not a regular file', spawn: true },
    { name: 'a-directory', make: (p) => mkdirSync(p), message: 'is a directory, not a runbook file' },
    { name: 'missing.yaml', message: 'no such file' },
    { name: 'dangling-symlink.yaml', make: (p) => symlinkSync(join(dir, 'nowhere.yaml'), p), message: 'no such file' },
  ];

  it('rejects each with exit 2, the file named, a hint and no stack trace', async () => {
    for (const h of HOSTILE) h.make?.(join(dir, h.name));
    const spawned = await mapLimit(HOSTILE.filter((h) => h.spawn), PARALLEL, (h) => runCli(['lint', join(dir, h.name)]));
    const results: CliResult[] = [];
    for (const h of HOSTILE) results.push(h.spawn ? spawned.shift()! : await cliInProcess(['lint', join(dir, h.name)]));
    HOSTILE.forEach((h, i) => {
      const r = results[i]!;
      const file = join(dir, h.name);
      expectCleanFailure(r, h.name);
      const first = r.stderr.split('\n')[0]!;
      expect(first, `${h.name}\n${r.stderr}`).toContain(h.message);
      expect(first.startsWith(`${file}:`), `${h.name} names the file: ${first}`).toBe(true);
      if (h.line !== undefined) expect(first, h.name).toMatch(new RegExp(`^${escapeRegExp(file)}:${h.line}:\\d+: `));
      expect(r.stderr.split('\n')[1], h.name).toMatch(/^ {2}hint: .{10,}/);
    });
  });

  it('reports a long requires chain and a 5,000-step cycle without overflowing the stack', async () => {
    const head = readFileSync(join(ROOT, 'test/runbook/fixtures/ok.yaml'), 'utf8').split('sections:')[0]!;
    const steps = lines(5000, (i) => `      - { id: s${i}, kind: command, title: t, run: 'echo \${root}', requires: [s${(i + 1) % 5000}] }\n`);
    const file = join(dir, 'cycle.yaml');
    writeFileSync(file, `${head}sections:\n  - id: a\n    title: A\n    steps:\n${steps}`);
    const r = await runCli(['lint', file]);
    expect(r.stderr).not.toMatch(CRASH);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('dependency cycle: s0 → s1 → s2 → s3 → s4 → … → s4996 → s4997 → s4998 → s4999 → s0 (5000 steps)');
  });

  it('caps the report of a file with thousands of problems and still counts them', async () => {
    const head = readFileSync(join(ROOT, 'test/runbook/fixtures/ok.yaml'), 'utf8').split('sections:')[0]!;
    const steps = lines(3000, (i) => `      - { id: s${i}, kind: command, title: t, run: echo, owner: x${i}, requires: [q${i}] }\n`);
    const file = join(dir, 'many-problems.yaml');
    writeFileSync(file, `${head}sections:\n  - id: a\n    title: A\n    steps:\n${steps}`);
    const r = await cliInProcess(['lint', file]);
    expect(r.stderr).not.toMatch(CRASH);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}: 5900 more problem(s) not shown`);
    expect(r.stderr.split('\n').filter((l) => l.startsWith(`${file}:`))).toHaveLength(101);
  });

  it('reports an unreadable file by name (only meaningful when not running as root)', async () => {
    const file = join(dir, 'secret.yaml');
    writeFileSync(file, readFileSync(join(ROOT, 'test/runbook/fixtures/ok.yaml')));
    chmodSync(file, 0o000);
    const r = await cliInProcess(['lint', file]);
    chmodSync(file, 0o644);
    if (process.getuid?.() === 0) {
      // root reads it anyway; the file itself is a valid runbook
      expect(r.code).toBe(0);
    } else {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${file}: permission denied while reading the file`);
      expect(r.stderr).toContain('hint: make the file readable');
    }
  });
});

function execMkfifo(path: string) {
  // node has no mkfifo; a FIFO must be refused without being opened (opening one blocks).
  if (spawnSync('mkfifo', [path], { stdio: 'ignore' }).status !== 0) throw new Error(`mkfifo ${path} failed`);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
