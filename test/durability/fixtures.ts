// Runbooks for the durability tests, written into a temp dir.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const HEADER = `format: cutover-runbook/v1
version: "1.0"
modes: [rehearsal]
baseline: { release_tag: v0.3.2, commit: cf331449e1589581a5dcbb3adecd3e9ae4509277 }
target: { release_tag: v0.4.0, commit: 7e4806a34b98e6c06ee33fa9f11499a975e7b922 }
roles:
  - { id: pa, title: Producer approver, side: producer }
  - { id: ca, title: Consumer approver, side: consumer }
`;

const DECISION = `      - { id: sign, kind: signoff, title: Joint sign-off, roles: [pa, ca], statement: "We approve \${target.release_tag}" }
      - id: decide
        kind: decision
        title: Go/no-go
        options:
          - { id: go, label: GO (rehearsal continuation), go: true, requires_signoffs: [sign] }
          - { id: no-go, label: NO-GO, go: false, remediation: true }
`;

const ANSWERS = `answers:
  rc: true
  sign: { pa: Priya Producer, ca: Marco Consumer }
  decide: { option: go }
`;

export interface Fixture {
  runbook: string;
  answers: string;
}

function write(dir: string, id: string, steps: string): Fixture {
  const runbook = join(dir, `${id}.yaml`);
  writeFileSync(
    runbook,
    `${HEADER}id: ${id}\ntitle: ${id}\nsections:\n  - id: main\n    title: Main\n    steps:\n      - { id: rc, kind: confirm, title: Release candidate immutable, statement: The RC is frozen }\n${steps}${DECISION}`,
  );
  const answers = join(dir, `${id}-answers.yaml`);
  writeFileSync(answers, ANSWERS);
  return { runbook, answers };
}

/** Several command steps that each take a moment and print a line or two (both streams). */
export function slowSteps(dir: string, count = 5): Fixture {
  let steps = '';
  for (let i = 1; i <= count; i++) {
    steps += `      - { id: slow${i}, kind: command, title: Slow step ${i}, shell: true, run: "sleep 0.2; echo step ${i} out; echo step ${i} err >&2" }\n`;
  }
  return write(dir, 'slow', steps);
}

/** One command printing `bytes` bytes of 'x' on stdout only, then the manual steps. */
export function bigOutput(dir: string, bytes: number): Fixture {
  return write(dir, 'big', `      - { id: big, kind: command, title: Big output, run: ["${process.execPath}", "-e", "process.stdout.write('x'.repeat(${bytes}))"] }\n`);
}

/** A stdout-only command and a two-stream command. */
export function logSteps(dir: string): Fixture {
  return write(
    dir,
    'logs',
    `      - { id: outonly, kind: command, title: Stdout only, shell: true, run: "echo one; echo two" }
      - { id: both, kind: command, title: Both streams, shell: true, run: "echo out; echo err >&2; echo out again" }
`,
  );
}
