// The artifact-digest check on real files: a producer tree laid out from
// the real MemoryKernel files, whose sha256 pins in the real release
// evidence bundle must verify; mismatches, missing files and escapes.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readArtifactPins, verifyArtifactDigests } from '../../src/checks/artifact-digest.js';
import { EVIDENCE, MK, STACK_FRAME, readJson, runCheckCli, tempDir, writeJson } from './helpers.js';

/** Where the evidence bundle says each real file lives in the producer checkout. */
const PRODUCER_TREE: Record<string, string> = {
  'contracts/integration/v1/producer-contract-manifest.json': 'producer-contract-manifest.json',
  'docs/implementation/PRODUCER_RELEASE_HANDOFF_LATEST.json': 'PRODUCER_RELEASE_HANDOFF_LATEST.json',
  'contracts/integration/v1/service-contract-source-of-truth.json': 'service-contract-source-of-truth.json',
};

function producerCheckout(): string {
  const root = tempDir();
  for (const [path, fixture] of Object.entries(PRODUCER_TREE)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    copyFileSync(join(MK, fixture), join(root, path));
  }
  return root;
}

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

interface EvidenceBundle {
  artifacts: { path: string; sha256: string }[];
}

describe('artifact-digest on the real release evidence bundle', () => {
  it('verifies the three real files and reports the five the tree lacks', async () => {
    const root = producerCheckout();
    const pins = await readArtifactPins(EVIDENCE, undefined, '--from');
    expect(pins).toHaveLength(8);
    const dest = tempDir();
    const result = await verifyArtifactDigests({ root, pins, destination: dest, from: EVIDENCE });
    expect(result.passed).toBe(false);
    expect(result.artifacts.filter((a) => a.status === 'verified').map((a) => a.path)).toEqual(Object.keys(PRODUCER_TREE));
    expect(result.violations.map((v) => `${v.rule} ${v.path}`)).toEqual([
      'artifact-missing $.artifacts[3]',
      'artifact-missing $.artifacts[4]',
      'artifact-missing $.artifacts[5]',
      'artifact-missing $.artifacts[6]',
      'artifact-missing $.artifacts[7]',
    ]);
    expect(result.violations[1]!.message).toBe(`openapi/openapi.yaml does not exist under ${root}`);
    // The copies in the bundle are byte-identical to what was verified.
    for (const [path, fixture] of Object.entries(PRODUCER_TREE)) {
      expect(readFileSync(join(dest, 'verified', path))).toEqual(readFileSync(join(MK, fixture)));
    }
  });

  it('passes with the pins of the files present', async () => {
    const root = producerCheckout();
    const bundle = readJson<EvidenceBundle>(EVIDENCE);
    const from = writeJson(tempDir(), 'bundle.json', { ...bundle, artifacts: bundle.artifacts.filter((a) => a.path in PRODUCER_TREE) });
    const run = await runCheckCli(['artifact-digest', '--root', root, '--from', from]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`artifact-digest check passed: 3 of 3 artifacts match their sha256 pins under ${root}`);
  });

  it('a tampered artifact is a mismatch, copied apart and marked as such', async () => {
    const root = producerCheckout();
    const manifestPath = 'contracts/integration/v1/producer-contract-manifest.json';
    const tampered = readFileSync(join(root, manifestPath), 'utf8').replace('"v0.4.0"', '"v0.4.1"');
    writeFileSync(join(root, manifestPath), tampered);
    const pins = readJson<EvidenceBundle>(EVIDENCE).artifacts.filter((a) => a.path in PRODUCER_TREE);
    const dest = tempDir();
    const result = await verifyArtifactDigests({ root, pins, destination: dest });
    expect(result.violations).toEqual([
      expect.objectContaining({ rule: 'artifact-digest-mismatch', path: '$.artifacts[0]', expected: pins[0]!.sha256, actual: sha256(tampered) }),
    ]);
    expect(result.artifacts[0]).toMatchObject({ status: 'mismatch', copiedTo: `mismatched/${manifestPath}` });
    expect(readFileSync(join(dest, 'mismatched', manifestPath), 'utf8')).toBe(tampered);
    expect(existsSync(join(dest, 'verified', manifestPath))).toBe(false);
  });
});

describe('artifact-digest refuses paths outside the root', () => {
  it('../ escapes, absolute paths and symlinks pointing out are violations', async () => {
    const outside = tempDir();
    writeFileSync(join(outside, 'secret.txt'), 'not part of the release');
    const root = tempDir();
    symlinkSync(join(outside, 'secret.txt'), join(root, 'link.txt'));
    const digest = sha256('not part of the release');
    const pins = [
      { path: '../secret.txt', sha256: digest },
      { path: join(outside, 'secret.txt'), sha256: digest },
      { path: 'link.txt', sha256: digest },
      { path: 'a/../../secret.txt', sha256: digest },
    ];
    const dest = tempDir();
    const result = await verifyArtifactDigests({ root, pins, destination: dest });
    expect(result.violations.map((v) => v.rule)).toEqual(['artifact-path-escape', 'artifact-path-escape', 'artifact-path-escape', 'artifact-path-escape']);
    expect(existsSync(join(dest, 'verified'))).toBe(false);
  });

  it('a directory is not an artifact', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'docs'));
    const result = await verifyArtifactDigests({ root, pins: [{ path: 'docs', sha256: sha256('') }, { path: '.', sha256: sha256('') }] });
    expect(result.violations.map((v) => v.rule)).toEqual(['artifact-not-file', 'artifact-not-file']);
  });
});

describe('artifact-digest copies stay inside the destination (issue 10, class 1)', () => {
  /** A root holding `name` (one legal Linux file name, or a path) with `text`, and its pin. */
  function rootWith(name: string, text: string): { root: string; pin: { path: string; sha256: string } } {
    const root = tempDir();
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
    return { root, pin: { path: name, sha256: sha256(text) } };
  }

  it('a name with backslashes and ".." is one file name: copied under it, inside the destination, nothing outside overwritten', async () => {
    const name = '..\\..\\..\\victim.txt';
    const { root, pin } = rootWith(name, 'attacker bytes');
    const base = tempDir();
    writeFileSync(join(base, 'victim.txt'), 'precious');
    const dest = join(base, 'a', 'b');
    const result = await verifyArtifactDigests({ root, pins: [pin], destination: dest });
    expect(result.passed).toBe(true);
    expect(result.artifacts[0]).toMatchObject({ status: 'verified', copiedTo: `verified/${name}` });
    expect(readFileSync(join(base, 'victim.txt'), 'utf8')).toBe('precious');
    expect(readdirSync(join(dest, 'verified'))).toEqual([name]);
    expect(readdirSync(base).sort()).toEqual(['a', 'victim.txt']);
  });

  it.each([
    ['a "..", even one that stays inside the root', 'sub/../x.txt', /"verified\/sub\/\.\.\/x\.txt" cannot be written under .*: it has a "\.\." in it/],
    ['a newline', 'line\nbreak.txt', /"verified\/line\\nbreak\.txt" cannot be written under .*: it contains a control character/],
    ['an escape sequence', 'x\u001b[2J.txt', /"verified\/x\\x1b\[2J\.txt" cannot be written under .*: it contains a control character/],
  ])('a path with %s is not copied: an artifact-name-unsafe violation says why', async (_what, name, message) => {
    const { root, pin } = rootWith(name, 'bytes');
    const dest = tempDir();
    const result = await verifyArtifactDigests({ root, pins: [pin], destination: dest });
    expect(result.passed).toBe(false);
    expect(result.violations).toEqual([expect.objectContaining({ rule: 'artifact-name-unsafe', path: '$.artifacts[0]' })]);
    expect(result.violations[0]!.message).toMatch(message);
    expect(result.violations[0]!.message).toContain('fix the pin, or rename the artifact');
    expect(result.violations[0]!.message).not.toMatch(/[\n\u001b]/);
    expect(readdirSync(dest)).toEqual([]);
  });

  it('"." and empty names are dropped: ./docs//a.txt is copied as verified/docs/a.txt', async () => {
    const { root } = rootWith('docs/a.txt', 'A');
    const dest = tempDir();
    const result = await verifyArtifactDigests({ root, pins: [{ path: './docs//a.txt', sha256: sha256('A') }], destination: dest });
    expect(result.artifacts[0]).toMatchObject({ status: 'verified', copiedTo: 'verified/docs/a.txt' });
    expect(readFileSync(join(dest, 'verified/docs/a.txt'), 'utf8')).toBe('A');
  });

  it('a symbolic link in the destination is never written through', async () => {
    const { root, pin } = rootWith('docs/a.txt', 'A');
    const outside = tempDir();
    const dest = tempDir();
    symlinkSync(outside, join(dest, 'verified'));
    const result = await verifyArtifactDigests({ root, pins: [pin], destination: dest });
    expect(result.violations).toEqual([expect.objectContaining({ rule: 'artifact-name-unsafe' })]);
    expect(result.violations[0]!.message).toMatch(/verified is a symbolic link; cutover never writes through a link/);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('a copy staged in tempDir leaves nothing there and nothing but the copies in the destination', async () => {
    const { root, pin } = rootWith('a.txt', 'A');
    const dest = tempDir();
    const temp = tempDir();
    const result = await verifyArtifactDigests({ root, pins: [pin, { path: 'a.txt', sha256: sha256('B') }], destination: dest, tempDir: temp });
    expect(result.artifacts.map((a) => a.copiedTo)).toEqual(['verified/a.txt', 'mismatched/a.txt']);
    expect(readdirSync(temp)).toEqual([]);
    expect(readdirSync(dest).sort()).toEqual(['mismatched', 'verified']);
  });
});

describe('cutover check artifact-digest', () => {
  it('--artifact pins, --copy-to and --json', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'CHANGELOG.md'), '# v0.4.0\n');
    const dest = tempDir();
    const run = await runCheckCli(['artifact-digest', '--root', root, '--artifact', `CHANGELOG.md=${sha256('# v0.4.0\n').toUpperCase()}`, '--copy-to', dest, '--json']);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.artifacts).toEqual([{ path: 'CHANGELOG.md', expected: sha256('# v0.4.0\n'), status: 'verified', actual: sha256('# v0.4.0\n'), bytes: 9, copiedTo: 'verified/CHANGELOG.md' }]);
    expect(readFileSync(join(dest, 'verified/CHANGELOG.md'), 'utf8')).toBe('# v0.4.0\n');
  });

  it.each([
    [['--artifact', 'CHANGELOG.md=abc'], /--artifact artifacts\[0\]\.sha256 "abc" is not a sha256 digest/],
    [['--artifact', 'CHANGELOG.md'], /--artifact "CHANGELOG.md" is not of the form PATH=SHA256/],
    [['--from', EVIDENCE.replace('.json', '.missing.json')], /artifact list ".*missing.json" not found/],
    [['--from', join(MK, 'producer-contract-manifest.json')], /artifact list ".*producer-contract-manifest.json" has no artifacts list/],
  ])('exit 2 for bad pins %j', async (args, message) => {
    const run = await runCheckCli(['artifact-digest', '--root', tempDir(), ...(args as string[])]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });

  it('pinned paths are printed escaped: no terminal escape sequence reaches the screen', async () => {
    const root = tempDir();
    const name = 'x\u001b]0;pwned\u0007\u001b[2J.txt';
    const run = await runCheckCli(['artifact-digest', '--root', root, '--artifact', `${name}=${sha256('x')}`]);
    expect(run.code).toBe(1);
    expect(run.stdout).not.toMatch(/[\u0007\u001b]/);
    expect(run.stdout).toContain('missing      x\\x1b]0;pwned\\x07\\x1b[2J.txt');
    expect(run.stdout).toContain('x\\x1b]0;pwned\\x07\\x1b[2J.txt does not exist under');
  });

  it('exit 2 when the root is missing', async () => {
    const run = await runCheckCli(['artifact-digest', '--root', '/nonexistent/producer', '--from', EVIDENCE]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/artifact root "\/nonexistent\/producer" not found/);
  });
});
