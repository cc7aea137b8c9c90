// Review finding 13/2: the trigger a rollback run carries is the cutover
// run's — verify holds run.started's rollback_of.trigger to the cutover
// journal's trigger.declared open at the linked head (a forger who moves the
// identification later in both journals, hash chains recomputed, is caught,
// naming both values); and in the linked run the identification input's
// trigger type, severity and identification time must agree with the
// carried trigger (`equals: ${trigger.…}`), taking its values when left empty.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../src/engine/events.js';
import { chainHash } from '../../src/evidence/canonical.js';
import { JOURNAL_FILE } from '../../src/evidence/journal.js';
import { verifyBundle } from '../../src/evidence/verify.js';
import { startLinkedRollback } from '../../src/session/rollback-start.js';
import { Session } from '../../src/session/session.js';
import { KEY, mountScreen, unmountAll, until } from '../ui/screen.js';
import { iso, journalOf, MIN, OPERATOR, rollbackRunbook, T0, workspace, writeYaml } from './fixture.js';

afterEach(unmountAll);

/** Rewrites a journal with `edit` applied to each event, the hash chain recomputed (as a forger would). */
function rechain(bundle: string, edit: (ev: Record<string, unknown>) => void): void {
  let prev = '0'.repeat(64);
  const lines = journalOf(bundle).map((ev) => {
    const { hash: _h, ...rest } = ev as JournalEvent & Record<string, unknown>;
    const body = { ...rest, prev } as Record<string, unknown>;
    edit(body);
    const hash = chainHash(prev, body);
    prev = hash;
    return JSON.stringify({ ...body, hash });
  });
  writeFileSync(join(bundle, JOURNAL_FILE), `${lines.join('\n')}\n`);
}

/** The fixture's rollback runbook with an identification input first, held to the carried trigger. */
function withIdentification(file: string): void {
  const rb = rollbackRunbook() as { sections: { steps: Record<string, unknown>[] }[] };
  rb.sections[0]!.steps.unshift({
    id: 'identification', kind: 'input', title: 'Trigger identification', fields: [
      { id: 'trigger_type', label: 'Trigger', type: 'select', options: ['envelope-mismatch', 'payload-drift'], equals: '${trigger.id}' },
      { id: 'severity', label: 'Severity', type: 'select', options: ['SEV-1', 'SEV-2', 'SEV-3'], equals: '${trigger.severity}' },
      { id: 'identified_at', label: 'Identified at', type: 'timestamp', equals: '${trigger.identified_at}' },
    ],
  });
  writeYaml(file, rb);
}

async function linkedPair(identification = false) {
  const ws = workspace();
  if (identification) withIdentification(ws.rollback);
  let t = T0;
  const now = () => new Date(t);
  const s = Session.start({ runbookPath: ws.cutover, mode: 'rehearsal', vars: { channel: '#bridge' }, evidenceDir: ws.evidence, operator: OPERATOR, now });
  const bundle = s.bundleDir;
  t = T0 + 5 * MIN;
  expect(s.declareTrigger('envelope-mismatch', 'legacy_error in a 400', { identifiedAt: iso(T0 + 2 * MIN) })).toEqual({ ok: true });
  s.pause('switching to the rollback');
  s.release();
  t = T0 + 6 * MIN;
  const { session } = await startLinkedRollback({ runbookPath: ws.rollback, from: bundle, vars: { ticket: 'INC-1' }, operator: 'Rita Responder', now });
  return { bundle, session };
}

describe('the carried trigger', () => {
  it('verify: a carried trigger moved later (both journals re-chained) fails, naming both values', async () => {
    const { bundle, session } = await linkedPair();
    const rollbackBundle = session.bundleDir;
    session.pause('test');
    session.release();
    expect((await verifyBundle(rollbackBundle)).problems.filter((p) => p.message.includes('carried trigger'))).toEqual([]);
    const later = iso(T0 + 5 * MIN);
    rechain(rollbackBundle, (ev) => {
      if (ev.type === 'run.started') (ev.rollback_of as { trigger: { identified_at: string } }).trigger.identified_at = later;
    });
    const newHead = journalOf(rollbackBundle)[0]!.hash;
    rechain(bundle, (ev) => {
      if (ev.type === 'rollback.started') ev.journal_head = newHead;
    });
    const v = await verifyBundle(rollbackBundle);
    const text = v.problems.map((p) => p.message).join('\n');
    expect(text).not.toContain('does not link back');
    expect(text).toContain(`the carried trigger "envelope-mismatch" does not match its trigger.declared`);
    expect(text).toContain(`identified_at is "${later}" here, "${iso(T0 + 2 * MIN)}" there`);
    expect(readFileSync(join(bundle, JOURNAL_FILE), 'utf8')).toContain(newHead);
  });

  it('verify: a rollback_of journal_head that is not 64 hex is malformed (not merely a link not checked)', async () => {
    const { session } = await linkedPair();
    const rollbackBundle = session.bundleDir;
    session.pause('test');
    session.release();
    rechain(rollbackBundle, (ev) => {
      if (ev.type === 'run.started') (ev.rollback_of as { journal_head: string }).journal_head = 'HEAD';
    });
    const v = await verifyBundle(rollbackBundle);
    expect(v.problems.map((p) => p.message).join('\n')).toContain('`rollback_of` is malformed: it needs run_id, bundle, journal_head (the 64-hex hash');
  });

  it('in the linked run the identification input must agree with it; left empty it takes its values', async () => {
    const { session } = await linkedPair(true);
    try {
      const wrong = session.recordInput('identification', { trigger_type: 'payload-drift', severity: 'SEV-2', identified_at: iso(T0 + 4 * MIN) });
      expect(wrong.ok).toBe(false);
      const reasons = !wrong.ok ? wrong.reasons.join('\n') : '';
      expect(reasons).toContain('must equal ${trigger.id} = "envelope-mismatch"');
      expect(reasons).toContain('must equal ${trigger.severity} = "SEV-1"');
      expect(reasons).toContain(`must equal \${trigger.identified_at} = "${iso(T0 + 2 * MIN)}"`);
      expect(session.recordInput('identification', { trigger_type: '', severity: '', identified_at: '' })).toEqual({ ok: true });
      expect(session.state.inputs.identification).toEqual({ trigger_type: 'envelope-mismatch', severity: 'SEV-1', identified_at: iso(T0 + 2 * MIN) });
      session.pause('test');
    } finally {
      session.release();
    }
    const v = await verifyBundle(session.bundleDir);
    expect(v.problems.filter((p) => p.message.includes('identification'))).toEqual([]);
  });

  it('on the screen the identification form opens filled with the carried trigger, and Enter records it', async () => {
    const { session } = await linkedPair(true);
    try {
      const screen = mountScreen({ session, size: { columns: 120, rows: 30 } });
      await until(() => expect(screen.frame()).toContain('Trigger identification'));
      screen.press(KEY.enter);
      await until(() => expect(screen.frame()).toContain('Fill in: Trigger identification'));
      expect(screen.frame()).toContain(iso(T0 + 2 * MIN));
      expect(screen.frame()).not.toContain('is required');
      screen.press(KEY.enter, KEY.enter, KEY.enter);
      await until(() => expect(session.state.inputs.identification).toEqual({ trigger_type: 'envelope-mismatch', severity: 'SEV-1', identified_at: iso(T0 + 2 * MIN) }));
    } finally {
      session.release();
    }
  });

  it('an unlinked run without a trigger leaves the equals unchecked (the fields are typed as before)', () => {
    const ws = workspace();
    withIdentification(ws.rollback);
    const s = Session.start({ runbookPath: ws.rollback, mode: 'rehearsal', vars: { channel: '#bridge', ticket: 'INC-2' }, evidenceDir: ws.evidence, operator: OPERATOR });
    try {
      const empty = s.recordInput('identification', { trigger_type: '', severity: 'SEV-2', identified_at: '' });
      expect(empty.ok).toBe(false);
      expect(s.recordInput('identification', { trigger_type: 'payload-drift', severity: 'SEV-2', identified_at: 'now' })).toEqual({ ok: true });
    } finally {
      s.release();
    }
  });
});
