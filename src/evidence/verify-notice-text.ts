// verify (finding 3 of the issue-13 review): the text of a notice and of
// each status update is held to the values the journal records. Every input
// of the rendering is in the journal — the template in the runbook copy, the
// vars and inputs before the event (masked as they were journaled), an
// update's own values and number, the sent time, sender, channel and ETA —
// so the files are rendered again and their digests must be the ones the
// event records (verify-files.ts holds the files to those digests). A
// forged update whose files are another update's copies, or a text edited
// with its digests put in the event, is named by its file.
import type { JournalEvent, StreamRecord } from '../engine/events.js';
import type { RunState } from '../engine/fold.js';
import { stateRefContext } from '../engine/incident.js';
import { isUpdateStep } from '../engine/updates.js';
import { render, type RefContext } from '../runbook/resolve.js';
import type { NoticeStep, Runbook } from '../runbook/types.js';
import { sha256 } from './canonical.js';
import { noticeMarkdown, noticePlain, type NoticeMeta } from './notice-text.js';

/** `${run.bundle}` is the bundle's path when it was sent, which the journal does not hold: a text using it is not re-rendered. */
const BUNDLE_UNKNOWN = '\u0000bundle\u0000';

function contextOf(runbook: Runbook, state: RunState, own?: { step: string; values: Record<string, string> }): RefContext {
  return stateRefContext(state, { runbook: runbook.id, bundle: BUNDLE_UNKNOWN, ...(own ? { inputs: { ...state.inputs, [own.step]: own.values } } : {}) });
}

function check(rec: StreamRecord | undefined, expected: string, what: string, bad: (m: string) => void): void {
  if (!rec || typeof rec.file !== 'string' || expected.includes(BUNDLE_UNKNOWN)) return; // a missing record is reported by the replay
  if (rec.sha256 !== sha256(expected)) bad(`${rec.file} is not ${what}: its text was edited, or copied from another notice (the journal's values, sent time and ETA render a different text)`);
}

/** notice.sent / notice.updated: both files as the session would have written them from the recorded values. */
export function checkNoticeText(runbook: Runbook, state: RunState, step: NoticeStep, ev: JournalEvent, bad: (m: string) => void): void {
  if (ev.type === 'notice.sent') {
    if (isUpdateStep(step) || typeof ev.sent_at !== 'string') return;
    const ctx = contextOf(runbook, state);
    const text = render(step.template, ctx);
    if (ev.plain === undefined) {
      // A bundle of cutover before 0.3.0 wrote the text alone as notices/<step>.md.
      check(ev.text, text, `the text of notice "${step.id}" rendered from the journal`, bad);
      return;
    }
    const meta: NoticeMeta = { sentAt: ev.sent_at, by: ev.by, ...(ev.channel ? { channel: ev.channel } : {}), ...(step.audience ? { audience: render(step.audience, ctx) } : {}) };
    check(ev.text, noticeMarkdown(step, text, meta), `the notice "${step.id}" the journal records (notice.sent at ${ev.at})`, bad);
    check(ev.plain, noticePlain(text), `the text of notice "${step.id}" rendered from the journal`, bad);
    return;
  }
  if (ev.type !== 'notice.updated' || !isUpdateStep(step) || typeof ev.update !== 'number' || typeof ev.sent_at !== 'string' || !ev.values || typeof ev.values !== 'object') return;
  const ctx = contextOf(runbook, state, { step: step.id, values: { ...ev.values, number: String(ev.update) } });
  const text = render(step.template, ctx);
  const meta: NoticeMeta = { sentAt: ev.sent_at, by: ev.by, update: ev.update, nextUpdate: ev.next_update_eta, ...(ev.channel ? { channel: ev.channel } : {}), ...(step.audience ? { audience: render(step.audience, ctx) } : {}) };
  check(ev.text, noticeMarkdown(step, text, meta), `update ${ev.update} of "${step.id}" as the journal records it (its number, values, sent time and ETA)`, bad);
  check(ev.plain, noticePlain(text), `the text of update ${ev.update} of "${step.id}" rendered from its recorded values`, bad);
}
