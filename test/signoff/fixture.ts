// A signed runbook in a temp dir with real ed25519 keys made by ssh-keygen:
// alice (producer approver), bob (consumer approver), mallory (in the file,
// allowed for no role) and olga (the operator, in the file). No mocks.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SignedFixture {
  dir: string;
  runbook: string;
  evidence: string;
  key: Record<'alice' | 'bob' | 'mallory' | 'olga', string>;
  allowed: string;
}

export function makeKey(dir: string, name: string): string {
  const file = join(dir, `${name}_ed25519`);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', file]);
  return file;
}

export function publicKey(file: string): string {
  return readFileSync(`${file}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
}

export const RUNBOOK = (allowedPath: string) => `format: cutover-runbook/v1
id: signed
title: Signed cutover
version: "1.0"
modes: [rehearsal, cutover]
baseline: { release_tag: v0.3.2, commit: cf331449e1589581a5dcbb3adecd3e9ae4509277 }
target: { release_tag: v0.4.0, commit: 7e4806a34b98e6c06ee33fa9f11499a975e7b922 }
roles:
  - { id: pa, title: Producer approver, side: producer }
  - { id: ca, title: Consumer approver, side: consumer }
signers:
  file: ${allowedPath}
  roles:
    pa: [alice@producer.example]
    ca: [bob@consumer.example]
sections:
  - id: gates
    title: Gates
    steps:
      - { id: hello, kind: command, title: Say hello, run: "echo hello" }
      - { id: sign, kind: signoff, title: Joint sign-off, roles: [pa, ca], statement: "We approve \${target.release_tag} for cutover" }
      - id: decide
        kind: decision
        title: Go/no-go
        options:
          - { id: go-rehearsal, label: GO (rehearsal continuation), go: true, requires_signoffs: [sign] }
          - { id: no-go, label: NO-GO, go: false, remediation: true }
`;

export function signedFixture(): SignedFixture {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-signed-'));
  const key = { alice: makeKey(dir, 'alice'), bob: makeKey(dir, 'bob'), mallory: makeKey(dir, 'mallory'), olga: makeKey(dir, 'olga') };
  const allowed = join(dir, 'allowed_signers');
  writeFileSync(
    allowed,
    [
      '# demo allowed signers',
      `alice@producer.example ${publicKey(key.alice)}`,
      `bob@consumer.example ${publicKey(key.bob)}`,
      `mallory@elsewhere.example ${publicKey(key.mallory)}`,
      `"Olga Operator" ${publicKey(key.olga)}`,
      '',
    ].join('\n'),
  );
  const runbook = join(dir, 'runbook.yaml');
  writeFileSync(runbook, RUNBOOK('allowed_signers'));
  return { dir, runbook, evidence: join(dir, 'evidence'), key, allowed };
}

export function onlyBundle(evidence: string): string {
  const [name, ...more] = readdirSync(evidence);
  if (!name || more.length) throw new Error(`expected one bundle in ${evidence}, found ${[name, ...more].join(', ')}`);
  return join(evidence, name);
}

/** The bundle once the run has made it and its `file` (undefined until then: the evidence dir may exist and still be empty). */
export function madeFile(evidence: string, file: string): string | undefined {
  if (!existsSync(evidence)) return undefined;
  const names = readdirSync(evidence).filter((n) => !n.startsWith('.'));
  return names.length === 1 && existsSync(join(evidence, names[0]!, file)) ? join(evidence, names[0]!) : undefined;
}

export function writeAnswers(dir: string, name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, body);
  return file;
}
