// Forms on small terminals: a long statement, a choice's detail or the
// lock's reasons take only the rows the fields, their errors, the refusal
// and the hint leave — the fields and the hint are never pushed out.
import { afterEach, describe, expect, it } from 'vitest';
import { Session } from '../../../src/session/session.js';
import { stepOf } from '../../fixtures/engine/scenario.js';
import { OPERATOR, workspace } from '../../incident/fixture.js';
import { KEY, mountScreen, unmountAll, until, type Screen } from '../screen.js';

afterEach(unmountAll);

const LONG = `We, the approvers, have reviewed the evidence of this rehearsal of v0.4.0 and the decision record; the rollback target is v0.3.2 and its command is rehearsed; the envelope policy is unchanged from the approved RFC; the consumer routes by error code; every gate is green and nothing else is pending.`;

/** The form's own hint row (the footer below says other keys). */
const hintOf = (screen: Screen) => screen.frame().split('\n').find((l) => /^Enter (next field|record|confirm|declare|go)/.test(l));

async function openForm(screen: Screen, step: string, title: string): Promise<void> {
  screen.intents.select(step);
  await until(() => expect(screen.frame()).toContain(`\`${step}\``));
  screen.press(KEY.enter);
  await until(() => expect(screen.frame()).toContain(title));
}

describe('a form on a small terminal', () => {
  it('sign-off at 80×24: a wrong commit typed makes room for its error, the hint stays', async () => {
    const screen = mountScreen({ size: { columns: 80, rows: 24 }, edit: (rb) => Object.assign(stepOf(rb, 'sign'), { statement: LONG }) });
    await openForm(screen, 'sign', 'Sign-off: Joint sign-off');
    expect(hintOf(screen)).toBeDefined();
    screen.press(...'Priya Producer', KEY.enter, ...'abc1234');
    await until(() => expect(screen.frame()).toContain('✗ type the target'));
    expect(hintOf(screen)).toBeDefined();
    expect(screen.frame()).toContain('Consumer approver — name');
  });

  it('confirmation at 80×24 with a required note and link submitted empty: every error, the refusal and the hint', async () => {
    const screen = mountScreen({ size: { columns: 80, rows: 24 }, edit: (rb) => Object.assign(stepOf(rb, 'rc'), { note: 'required', link: 'required', statement: LONG }) });
    await openForm(screen, 'rc', 'Confirm: Release candidate immutable');
    screen.press(KEY.enter, KEY.enter);
    await until(() => expect(screen.frame()).toContain('correct the fields marked ✗'));
    expect(screen.frame()).toContain('a link is required');
    expect(hintOf(screen)).toBeDefined();
  });

  it('decision at 60×16: the open NO-GO, the confirmation and the hint stay in view', async () => {
    const screen = mountScreen({ size: { columns: 60, rows: 16 } });
    await openForm(screen, 'decide', 'Decide: Go/no-go');
    expect(screen.frame()).toContain('NO-GO — open');
    expect(screen.frame()).toContain('Type the decision to confirm');
    expect(hintOf(screen)).toBeDefined();
  });

  it('the rollback offer at 60×16: both answers and the hint stay in view', async () => {
    const ws = workspace();
    const session = Session.start({ runbookPath: ws.cutover, mode: 'rehearsal', vars: { channel: '#bridge' }, evidenceDir: ws.evidence, operator: OPERATOR });
    const screen = mountScreen({ session, size: { columns: 60, rows: 16 } });
    await until(() => expect(screen.frame()).toContain('GO lock —'));
    screen.press('R');
    await until(() => expect(screen.frame()).toContain('Declare a rollback trigger'));
    screen.press(KEY.enter, KEY.enter, KEY.enter, ...'legacy_error in a 400', KEY.enter);
    await until(() => expect(screen.frame()).toContain('Start the rollback runbook now?'));
    expect(screen.frame()).toContain('(•) yes');
    expect(screen.frame()).toContain('( ) no');
    expect(hintOf(screen)).toBeDefined();
    session.release();
  });

  it('the trigger form at 80×24: the required action where rows are free, the hint always', async () => {
    const screen = mountScreen({ size: { columns: 80, rows: 24 } });
    await until(() => expect(screen.frame()).toContain('GO lock —'));
    screen.press('R');
    await until(() => expect(screen.frame()).toContain('Declare a rollback trigger'));
    expect(hintOf(screen)).toBeDefined();
    expect(screen.frame()).toContain('required action:');
  });
});
