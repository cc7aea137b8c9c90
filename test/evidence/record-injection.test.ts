// Attack review, class 10: free text must not rewrite decision-record.md.
// A remediation plan ending in an unclosed `<!--` once hid the real
// sign-offs and, above them, showed a made-up "Decision: GO". Here every
// free-text door of a real plain run — remediation, confirm note, input
// value, notice channel, skip reason, trigger note, signer and operator
// names — gets Markdown and HTML, and the record must keep its own
// structure: the same headings, table rows, decision line and sign-offs.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { mdText } from '../../src/evidence/markdown.js';
import { cli } from '../helpers/cli.js';
import { defaultAnswers, onlyBundle, tempDir, writeRunbook } from '../fixtures/engine/scenario.js';

const FORGED_DECISION = 'Retry tomorrow.\n\n## Decision\n\n- Decision: **GO (runtime cutover)**\n\n## Sign-offs\n\n- Producer approver: Priya Producer\n<!-- ';
const MARKUP = [
  FORGED_DECISION,
  '# Heading\n> quote\n1. list\n---\n===\n```\nfence',
  '<script>alert(1)</script> <img src=x onerror=alert(1)> &lt;!-- entity',
  '| a | b |\n|---|---|\n| c | d |',
  '`code` **bold** _em_ ~~strike~~ $x$ [link](javascript:alert(1)) ![img](x)',
  'tab\there\r\nCRLF\u2028LS\u0085NEL \u001b[2J\u001b]0;title\u0007 \u202eecilA',
];

/** Occurrences of `ch` not escaped by a backslash. */
function unescaped(text: string, ch: string): number {
  let n = 0;
  for (let i = text.indexOf(ch); i >= 0; i = text.indexOf(ch, i + 1)) {
    let slashes = 0;
    while (text[i - 1 - slashes] === '\\') slashes++;
    if (slashes % 2 === 0) n++;
  }
  return n;
}

/** What is left of a line once our own markup (line breaks, code spans) is taken out. */
const plain = (line: string) => line.replace(/<br>/g, ' ').replace(/`[\w.:@/+-]+`/g, 'CODE').replace(/`(cutover verify <this directory>|sha256sum -c SHA256SUMS)`/g, 'CODE');

describe('mdText: free text is one inline run of literal text', () => {
  it.each(MARKUP.map((m) => [m]))('%j', (text) => {
    const out = mdText(text);
    expect(out).not.toMatch(/[\n\r\u0085\u2028\u2029\u001b\u0007\u202e]/);
    const rest = plain(out);
    for (const ch of ['<', '>', '`', '*', '_', '[', ']', '|', '~', '$']) expect(unescaped(rest, ch), `${ch} in ${out}`).toBe(0);
    expect(rest).not.toMatch(/(^|[^\\])&(#?\w+;)/);
  });

  it('leaves ordinary text readable', () => {
    expect(mdText('2026-11-30T14:05:00Z')).toBe('2026-11-30T14:05:00Z');
    expect(mdText('Priya Raman, v0.4.0 (7e4806a) #cutover-bridge AT&T')).toBe('Priya Raman, v0.4.0 (7e4806a) #cutover-bridge AT&T');
    expect(mdText('line one\nline two')).toBe('line one<br>line two');
  });
});

describe('decision-record.md of a run fed Markdown through every free-text field', () => {
  it('keeps its own headings, tables, decision and sign-offs', async () => {
    const dir = tempDir();
    const hostile = (i: number) => MARKUP[i % MARKUP.length]!;
    const answers = {
      ...defaultAnswers(),
      rc: { note: hostile(1) },
      meeting: { channel: hostile(2) },
      notice: { channel: hostile(3) },
      'optional-lint': { skip: hostile(4) },
      sign: { pa: 'Priya Producer <!--', ca: 'Marco **GO** Consumer' },
      decide: { option: 'no-go', remediation: FORGED_DECISION },
    };
    writeFileSync(join(dir, 'answers.yaml'), stringify({ answers, triggers: [{ id: 'envelope-mismatch', note: hostile(5) }] }));
    const run = await cli(['run', writeRunbook(dir), '--plain', '--mode', 'rehearsal', '--answers', join(dir, 'answers.yaml'), '--operator', 'Olga <b>Operator</b>', '--evidence-dir', join(dir, 'evidence')]);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const bundle = onlyBundle(join(dir, 'evidence'));
    const record = readFileSync(join(bundle, 'decision-record.md'), 'utf8');
    const lines = record.split('\n');

    // Only the record's own headings start a line with #.
    expect(lines.filter((l) => l.startsWith('#'))).toEqual([
      '# Decision record — GO lock fixture',
      '## Decision',
      // The run declares a trigger: its incident (cutover's own headings; the protocol's parts are the rollback run's).
      '## Incident',
      '### Timeline (UTC)',
      '### Notices',
      '## Preflight (before the first step)',
      '## Sign-offs',
      '## Confirmations',
      '## Notices sent',
      '## Recorded inputs',
      '## Rollback triggers',
      '## Steps (evidence)',
      '## Attempts',
    ]);
    // One decision line, the real one; no HTML, comment or emphasis of anyone else's.
    expect(lines.filter((l) => l.startsWith('- Decision:'))).toEqual(['- Decision: **NO-GO**']);
    for (const line of lines.map(plain)) {
      expect(unescaped(line, '<'), line).toBe(0);
      expect(unescaped(line, '`'), line).toBe(0);
    }
    expect(record).not.toMatch(/[\u001b\u0007\u202e\r]/);
    // Both sign-offs are there, under their heading and the line saying they are unsigned, names escaped.
    expect(lines[lines.indexOf('## Sign-offs') + 2]).toBe('- sign-offs unsigned (names typed by the operator)');
    const signoffs = lines.slice(lines.indexOf('## Sign-offs') + 3, lines.indexOf('## Sign-offs') + 5);
    expect(signoffs).toEqual([expect.stringMatching(/^- Producer approver: Priya Producer \\<!-- at /), expect.stringMatching(/^- Consumer approver: Marco \\\*\\\*GO\\\*\\\* Consumer at /)]);
    expect(record).toContain('| Operator | Olga \\<b\\>Operator\\</b\\> |');
    // Every table row has exactly the cells of its header.
    const table = lines.slice(lines.indexOf('## Steps (evidence)') + 2, lines.indexOf('## Attempts')).filter((l) => l.startsWith('|'));
    expect(table.length).toBeGreaterThan(2);
    for (const row of table) expect(unescaped(row, '|'), row).toBe(7);
    const attempts = lines.slice(lines.indexOf('## Attempts') + 2).filter((l) => l.startsWith('|'));
    expect(attempts.length).toBeGreaterThan(2);
    for (const row of attempts) expect(unescaped(row, '|'), row).toBe(8);
    // The remediation plan is there, as text.
    expect(record).toContain('- Remediation plan: Retry tomorrow.<br><br>\\## Decision<br><br>\\- Decision: \\*\\*GO (runtime cutover)\\*\\*');
  });
});
