// The forms (FormPanel → FieldsForm): validation per field as you type (an
// input's typed fields), a confirm's required note and link, Esc cancels
// without recording, the decision form refuses a locked GO with every
// reason (decision.refused journaled) and asks a NO-GO for its remediation
// (a field shown only for NO-GO), a sign-off needs the target's short commit
// typed, and nothing typed that matches a secret is shown unmasked once the
// form is submitted.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LABEL, prepareToDecide, readEvents, stepOf, type RunbookDoc } from '../../fixtures/engine/scenario.js';
import { KEY, mountScreen, unmountAll, until, type Screen } from '../screen.js';

afterEach(unmountAll);

const CTRL_U = '\x15';
const SHA = '7e4806a34b98e6c06ee33fa9f11499a975e7b922';
const SHORT = '7e4806a';
const WIDE = { columns: 200, rows: 40 };
const message = (screen: Screen) => screen.frame().split('\n').at(-2)!.trimEnd();

/** Selects `step` and opens its form with Enter; waits for the form's title. */
async function openForm(screen: Screen, step: string, title: string): Promise<void> {
  screen.intents.select(step);
  await until(() => expect(screen.frame()).toContain(`\`${step}\``));
  screen.press(KEY.enter);
  await until(() => expect(screen.frame()).toContain(title));
}

/** Types `text` a key at a time, as an operator does. */
function type(screen: Screen, text: string): void {
  screen.press(...text);
}

/** The form's line for a field (its label), as drawn now. */
function field(screen: Screen, label: string): string {
  return screen.frame().split('\n').find((l) => l.includes(`${label}:`)) ?? '';
}

/** The error line drawn under the field `label` (empty when there is none). */
function errorUnder(screen: Screen, label: string): string {
  const lines = screen.frame().split('\n');
  const at = lines.findIndex((l) => l.includes(`${label}:`));
  return at !== -1 && lines[at + 1]?.startsWith('    ✗ ') ? lines[at + 1]!.trim() : '';
}

describe('an input form', () => {
  const edit = (rb: RunbookDoc) => {
    stepOf(rb, 'meeting').fields = [
      { id: 'commit', label: 'Target commit', type: 'sha' },
      { id: 'channel', label: 'Incident channel', type: 'text' },
    ];
  };

  it('validates each field as it is typed, and records the values', async () => {
    const screen = mountScreen({ size: WIDE, edit });
    screen.session.confirm('rc');
    await openForm(screen, 'meeting', 'Fill in: Go/no-go meeting');
    expect(field(screen, 'Target commit')).toMatch(/^› Target commit:/);
    type(screen, SHA.slice(0, 3));
    await until(() => expect(errorUnder(screen, 'Target commit')).toBe('✗ Target commit must be a full 40-character lower-case commit sha'));
    // A field not touched yet shows no error.
    expect(errorUnder(screen, 'Incident channel')).toBe('');
    type(screen, SHA.slice(3));
    await until(() => expect(field(screen, 'Target commit')).toContain(SHA));
    expect(errorUnder(screen, 'Target commit')).toBe('');
    screen.press(KEY.enter);
    await until(() => expect(field(screen, 'Incident channel')).toMatch(/^› Incident channel:/));
    type(screen, 'x');
    screen.press(KEY.backspace);
    await until(() => expect(errorUnder(screen, 'Incident channel')).toBe('✗ Incident channel is required'));
    type(screen, '#bridge');
    await until(() => expect(errorUnder(screen, 'Incident channel')).toBe(''));
    screen.press(KEY.enter);
    await until(() => expect(screen.session.state.inputs.meeting).toEqual({ commit: SHA, channel: '#bridge' }));
    await until(() => expect(message(screen)).toBe('✓ "Go/no-go meeting" recorded'));
  });

  it('refuses to submit with a bad field, marks it and goes back to it', async () => {
    const screen = mountScreen({ size: WIDE, edit });
    screen.session.confirm('rc');
    await openForm(screen, 'meeting', 'Fill in: Go/no-go meeting');
    type(screen, 'not-a-sha');
    await until(() => expect(field(screen, 'Target commit')).toContain('not-a-sha'));
    screen.press(KEY.tab);
    await until(() => expect(field(screen, 'Incident channel')).toMatch(/^› /));
    type(screen, '#bridge');
    await until(() => expect(field(screen, 'Incident channel')).toContain('#bridge'));
    screen.press(KEY.enter);
    await until(() => expect(screen.frame()).toContain('✗ correct the fields marked ✗'));
    expect(field(screen, 'Target commit')).toMatch(/^› Target commit: not-a-sha/);
    expect(screen.session.state.inputs.meeting).toBeUndefined();
    expect(screen.session.state.steps.meeting!.status).toBe('pending');
  });
});

describe('a confirm form', () => {
  const noteAndLink = (rb: RunbookDoc) => {
    stepOf(rb, 'rc').note = 'required';
    stepOf(rb, 'rc').link = 'required';
  };

  it('needs the required note and link: refused without them, nothing recorded', async () => {
    const screen = mountScreen({ size: WIDE, edit: noteAndLink });
    await openForm(screen, 'rc', 'Confirm: Release candidate immutable');
    screen.press(KEY.enter); // Note → Evidence link
    await until(() => expect(field(screen, 'Evidence link')).toMatch(/^› /));
    screen.press(KEY.enter); // submit
    await until(() => expect(screen.frame()).toContain('✗ correct the fields marked ✗'));
    expect(errorUnder(screen, 'Note')).toBe('✗ a note is required');
    expect(errorUnder(screen, 'Evidence link')).toBe('✗ a link is required');
    expect(screen.session.state.steps.rc!.status).toBe('pending');
    expect(readEvents(screen.session.bundleDir).some((e) => e.type === 'step.confirmed')).toBe(false);
    // The focus went back to the first bad field.
    expect(field(screen, 'Note')).toMatch(/^› Note:/);
    // Fixing one field leaves the other marked, and the summary with it; fixing both takes the summary away.
    type(screen, 'frozen');
    await until(() => expect(field(screen, 'Note')).toContain('frozen'));
    expect(screen.frame()).toContain('✗ correct the fields marked ✗');
    screen.press(KEY.tab);
    await until(() => expect(field(screen, 'Evidence link')).toMatch(/^› /));
    type(screen, 'https://example.invalid/rc');
    await until(() => expect(field(screen, 'Evidence link')).toContain('https://example.invalid/rc'));
    await until(() => expect(screen.frame()).not.toContain('correct the fields marked'));
    expect(screen.frame()).not.toContain('✗ a link is required');
  });

  it('checks the link as it is typed, and records the note and the link', async () => {
    const screen = mountScreen({ size: WIDE, edit: noteAndLink });
    await openForm(screen, 'rc', 'Confirm: Release candidate immutable');
    type(screen, 'checked the tag');
    await until(() => expect(field(screen, 'Note')).toContain('checked the tag'));
    screen.press(KEY.tab);
    await until(() => expect(field(screen, 'Evidence link')).toMatch(/^› /));
    type(screen, 'not a url');
    await until(() => expect(errorUnder(screen, 'Evidence link')).toBe('✗ not a URL: write a full URL such as https://…'));
    screen.press(CTRL_U);
    await until(() => expect(errorUnder(screen, 'Evidence link')).toBe('✗ a link is required'));
    type(screen, 'https://ci.example.com/runs/42');
    await until(() => expect(errorUnder(screen, 'Evidence link')).toBe(''));
    screen.press(KEY.enter);
    await until(() => expect(screen.session.state.steps.rc!.status).toBe('passed'));
    expect(readEvents(screen.session.bundleDir).find((e) => e.type === 'step.confirmed')).toMatchObject({ step: 'rc', note: 'checked the tag', link: 'https://ci.example.com/runs/42' });
    screen.intents.select('rc');
    await until(() => expect(screen.frame()).toMatch(/confirmed at \S+ — checked the tag — https:\/\/ci\.example\.com\/runs\/42/));
  });

  it('validates as you type again after a refused submit', async () => {
    const screen = mountScreen({ size: WIDE, edit: noteAndLink });
    await openForm(screen, 'rc', 'Confirm: Release candidate immutable');
    screen.press(KEY.enter);
    await until(() => expect(field(screen, 'Evidence link')).toMatch(/^› /));
    screen.press(KEY.enter);
    await until(() => expect(errorUnder(screen, 'Note')).toBe('✗ a note is required'));
    type(screen, 'checked the tag');
    await until(() => expect(field(screen, 'Note')).toContain('checked the tag'));
    await until(() => expect(errorUnder(screen, 'Note')).toBe(''));
    screen.press(KEY.tab);
    await until(() => expect(field(screen, 'Evidence link')).toMatch(/^› /));
    type(screen, 'not a url');
    await until(() => expect(errorUnder(screen, 'Evidence link')).toBe('✗ not a URL: write a full URL such as https://…'));
  });

  it('Esc cancels without recording anything, and the form opens empty again', async () => {
    const screen = mountScreen({ size: WIDE, edit: (rb) => (stepOf(rb, 'rc').note = 'optional') });
    const before = readEvents(screen.session.bundleDir).length;
    await openForm(screen, 'rc', 'Confirm: Release candidate immutable');
    type(screen, 'half a thought');
    await until(() => expect(field(screen, 'Note (optional)')).toContain('half a thought'));
    screen.press(KEY.escape);
    await until(() => expect(screen.store.getState().ui.modal).toBeUndefined());
    await until(() => expect(screen.frame()).toContain('GO lock —'));
    expect(screen.frame()).not.toContain('half a thought');
    expect(screen.session.state.steps.rc!.status).toBe('pending');
    expect(readEvents(screen.session.bundleDir)).toHaveLength(before);
    screen.press(KEY.enter);
    await until(() => expect(screen.frame()).toContain('Confirm: Release candidate immutable'));
    expect(field(screen, 'Note (optional)')).not.toContain('half a thought');
  });
});

describe('the decision form', () => {
  it('refuses a locked GO, lists every reason, and journals decision.refused', async () => {
    const screen = mountScreen({ size: WIDE });
    await openForm(screen, 'decide', 'Decide: Go/no-go');
    const unmet = screen.session.lockStatus('decide').find((o) => o.option.id === 'go-rehearsal')!.unmet.map((u) => u.message);
    expect(screen.frame()).toContain(`✗ GO (rehearsal continuation) is locked (${unmet.length} unmet): ${unmet[0]}`);
    screen.press(KEY.down);
    await until(() => expect(screen.frame()).toContain(`(•) GO (rehearsal continuation) — LOCKED (${unmet.length} unmet)`));
    // No remediation for a GO.
    expect(screen.frame()).not.toContain('Remediation plan');
    screen.press(KEY.enter);
    await until(() => expect(field(screen, 'Type the decision to confirm')).toMatch(/^› /));
    type(screen, LABEL.rehearsal);
    await until(() => expect(field(screen, 'Type the decision to confirm')).toContain(LABEL.rehearsal));
    screen.press(KEY.enter);
    await until(() => expect(message(screen)).toBe('GO (rehearsal continuation) — REFUSED, the GO lock holds (recorded)'));
    for (const reason of unmet) expect(screen.frame()).toContain(`✗ ${reason}`);
    // Still the form, and no decision.
    expect(screen.frame()).toContain('Decide: Go/no-go');
    expect(screen.session.state.decision).toBeUndefined();
    const refused = readEvents(screen.session.bundleDir).filter((e) => e.type === 'decision.refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ step: 'decide', option: 'go-rehearsal', reasons: unmet });
  });

  it('on a narrow terminal wraps the reasons of a refusal over rows instead of cutting them', async () => {
    const screen = mountScreen({ size: { columns: 60, rows: 40 } });
    await openForm(screen, 'decide', 'Decide: Go/no-go');
    const unmet = screen.session.lockStatus('decide').find((o) => o.option.id === 'go-rehearsal')!.unmet.map((u) => u.message);
    screen.press(KEY.down);
    await until(() => expect(screen.frame()).toContain('(•) GO (rehearsal continuation)'));
    screen.press(KEY.enter);
    await until(() => expect(field(screen, 'Type the decision to confirm')).toMatch(/^› /));
    type(screen, LABEL.rehearsal);
    screen.press(KEY.enter);
    await until(() => expect(message(screen)).toContain('REFUSED, the GO lock holds'));
    const rows = screen.frame().split('\n');
    const from = rows.findIndex((r) => r.startsWith('✗ ') && !r.includes('is locked'));
    const reasons = rows.slice(from).filter((r) => /^(✗ | {2}\S)/.test(r));
    const text = reasons.map((r) => r.replace(/^(✗ | {2})/, '')).join(' ');
    for (const reason of unmet.filter((u) => u.length <= 2 * 58 - 10)) expect(text).toContain(reason);
    expect(unmet.some((u) => u.length > 60)).toBe(true);
    expect(reasons.join('\n')).not.toContain('…');
  });

  it('wants the decision typed exactly', async () => {
    const screen = mountScreen({ size: WIDE });
    await prepareToDecide(screen.session);
    await openForm(screen, 'decide', 'Decide: Go/no-go');
    // Only the runtime GO, never available in a rehearsal, is listed as locked.
    expect(screen.frame()).toContain('✗ GO (runtime cutover) is locked: GO (runtime cutover) is never available in a REHEARSAL');
    expect(screen.frame()).not.toContain('GO (rehearsal continuation) is locked');
    screen.press(KEY.down);
    await until(() => expect(screen.frame()).toContain('(•) GO (rehearsal continuation) — open'));
    screen.press(KEY.enter);
    await until(() => expect(field(screen, 'Type the decision to confirm')).toMatch(/^› /));
    type(screen, 'GO');
    await until(() => expect(errorUnder(screen, 'Type the decision to confirm')).toBe('✗ type "GO (rehearsal continuation)" exactly'));
    type(screen, ' (rehearsal continuation)');
    await until(() => expect(errorUnder(screen, 'Type the decision to confirm')).toBe(''));
    screen.press(KEY.enter);
    await until(() => expect(screen.session.state.closed?.outcome).toBe('GO'));
    await until(() => expect(message(screen)).toMatch(/^Decision recorded — the run is closed: GO\. Press q to leave/));
  });

  it('shows the remediation field only for NO-GO, needs it, and records the NO-GO with it', async () => {
    const screen = mountScreen({ size: WIDE });
    await openForm(screen, 'decide', 'Decide: Go/no-go');
    screen.press(KEY.down, KEY.down, KEY.down);
    await until(() => expect(screen.frame()).toContain('(•) NO-GO — open'));
    await until(() => expect(field(screen, 'Remediation plan')).not.toBe(''));
    screen.press(KEY.up);
    await until(() => expect(screen.frame()).toContain('(•) GO (runtime cutover)'));
    expect(screen.frame()).not.toContain('Remediation plan');
    screen.press(KEY.down);
    await until(() => expect(field(screen, 'Remediation plan')).not.toBe(''));
    screen.press(KEY.enter); // → remediation
    await until(() => expect(field(screen, 'Remediation plan')).toMatch(/^› /));
    screen.press(KEY.enter); // → confirm, leaving the plan empty
    await until(() => expect(field(screen, 'Type the decision to confirm')).toMatch(/^› /));
    type(screen, LABEL.noGo);
    await until(() => expect(field(screen, 'Type the decision to confirm')).toContain(LABEL.noGo));
    screen.press(KEY.enter);
    await until(() => expect(errorUnder(screen, 'Remediation plan')).toBe('✗ a remediation plan is required'));
    expect(field(screen, 'Remediation plan')).toMatch(/^› /);
    expect(screen.session.state.decision).toBeUndefined();
    type(screen, 'fix the envelope, rehearse again Friday');
    await until(() => expect(field(screen, 'Remediation plan')).toContain('fix the envelope'));
    screen.press(KEY.enter, KEY.enter);
    await until(() => expect(screen.session.state.closed?.outcome).toBe('NO-GO'));
    // The screen closes the run in the background: wait for its summaries before the bundle goes.
    await until(() => expect(message(screen)).toMatch(/^Decision recorded — the run is closed: NO-GO\./));
    expect(screen.session.state.decision).toMatchObject({ label: 'NO-GO', go: false, remediation: 'fix the envelope, rehearse again Friday' });
    await until(() => expect(screen.frame()).toContain('Run closed: NO-GO'));
  });
});

describe('the sign-off form', () => {
  it('shows at 80×24 the whole statement the approvers sign, as long as the fields leave room', async () => {
    const statement = `We, the approvers, have reviewed the evidence of this rehearsal of v0.4.0 and the decision record; the rollback target is v0.3.2 and its command is rehearsed; the envelope policy is unchanged from the approved RFC; the consumer routes by error code; every gate is green.`;
    const screen = mountScreen({ size: { columns: 80, rows: 24 }, edit: (rb) => (stepOf(rb, 'sign') as { statement: string }).statement = statement });
    await openForm(screen, 'sign', 'Sign-off: Joint sign-off');
    const text = screen.frame().split('\n').join(' ').replace(/\s+/g, ' ');
    expect(statement.length).toBeGreaterThan(3 * 80);
    expect(text).toContain(statement);
    expect(screen.frame()).toContain(`type ${SHORT} to sign`);
    expect(screen.frame()).toContain('Consumer approver — name');
  });

  it("needs the target's short commit typed for each signer; a wrong one is refused", async () => {
    const screen = mountScreen({ size: WIDE });
    await openForm(screen, 'sign', 'Sign-off: Joint sign-off');
    expect(screen.frame()).toContain('We approve v0.4.0');
    type(screen, 'Priya Producer');
    await until(() => expect(field(screen, 'Producer approver — name')).toContain('Priya Producer'));
    screen.press(KEY.enter);
    await until(() => expect(field(screen, `type ${SHORT} to sign`)).toMatch(/^› /));
    type(screen, 'abc1234');
    await until(() => expect(errorUnder(screen, `type ${SHORT} to sign`)).toBe(`✗ type the target's short commit ${SHORT} exactly`));
    screen.press(CTRL_U);
    type(screen, SHORT);
    await until(() => expect(errorUnder(screen, `type ${SHORT} to sign`)).toBe(''));
    screen.press(KEY.enter);
    await until(() => expect(field(screen, 'Consumer approver — name')).toMatch(/^› /));
    type(screen, 'Marco Consumer');
    await until(() => expect(field(screen, 'Consumer approver — name')).toContain('Marco Consumer'));
    screen.press(KEY.enter);
    await until(() => expect(screen.frame().split('\n').filter((l) => l.includes(`type ${SHORT} to sign`))[1]).toMatch(/^› /));
    type(screen, '0000000');
    await until(() => expect(screen.frame()).toContain('to sign: 0000000'));
    screen.press(KEY.enter);
    await until(() => expect(screen.frame()).toContain('✗ correct the fields marked ✗'));
    expect(screen.session.state.signatures).toHaveLength(0);
    screen.press(CTRL_U);
    type(screen, SHORT);
    await until(() => expect(screen.frame()).not.toContain('to sign: 0000000'));
    screen.press(KEY.enter);
    await until(() => expect(screen.session.state.steps.sign!.status).toBe('passed'));
    expect(screen.session.state.signatures.map((s) => [s.role, s.name])).toEqual([['pa', 'Priya Producer'], ['ca', 'Marco Consumer']]);
  });
});

describe('secrets typed into a form', () => {
  const SECRET = 'hunter2-s3cret-value';
  beforeEach(() => {
    process.env.CUTOVER_FORM_SECRET = SECRET;
  });
  afterEach(() => {
    delete process.env.CUTOVER_FORM_SECRET;
  });
  const secrets = (rb: RunbookDoc) => (rb.secrets = ['CUTOVER_FORM_SECRET']);

  it('an input value is shown masked once recorded', async () => {
    const screen = mountScreen({ size: WIDE, edit: secrets });
    screen.session.confirm('rc');
    await openForm(screen, 'meeting', 'Fill in: Go/no-go meeting');
    type(screen, `#bridge ${SECRET}`);
    // The form echoes what is typed…
    await until(() => expect(field(screen, 'Incident channel')).toContain(SECRET));
    screen.press(KEY.enter);
    await until(() => expect(screen.session.state.inputs.meeting).toEqual({ channel: '#bridge ***' }));
    screen.intents.select('meeting');
    // …and after submit the screen shows the journaled, masked value.
    await until(() => expect(screen.frame()).toMatch(/^Incident channel: #bridge \*\*\*$/m));
    expect(screen.frame()).not.toContain(SECRET);
  });

  it("a confirm's note is shown masked once recorded", async () => {
    const screen = mountScreen({
      size: WIDE,
      edit: (rb) => {
        secrets(rb);
        stepOf(rb, 'rc').note = 'required';
      },
    });
    await openForm(screen, 'rc', 'Confirm: Release candidate immutable');
    type(screen, `rotated ${SECRET}`);
    await until(() => expect(field(screen, 'Note')).toContain(SECRET));
    screen.press(KEY.enter);
    await until(() => expect(screen.session.state.steps.rc!.status).toBe('passed'));
    screen.intents.select('rc');
    await until(() => expect(screen.frame()).toContain('— rotated ***'));
    expect(screen.frame()).not.toContain(SECRET);
  });

  it("a NO-GO's remediation is shown masked once recorded", async () => {
    const screen = mountScreen({ size: WIDE, edit: secrets });
    await openForm(screen, 'decide', 'Decide: Go/no-go');
    screen.press(KEY.down, KEY.down, KEY.down);
    await until(() => expect(screen.frame()).toContain('(•) NO-GO — open'));
    screen.press(KEY.enter);
    await until(() => expect(field(screen, 'Remediation plan')).toMatch(/^› /));
    type(screen, `revoke ${SECRET}`);
    await until(() => expect(field(screen, 'Remediation plan')).toContain(SECRET));
    screen.press(KEY.enter);
    await until(() => expect(field(screen, 'Type the decision to confirm')).toMatch(/^› /));
    type(screen, LABEL.noGo);
    await until(() => expect(field(screen, 'Type the decision to confirm')).toContain(LABEL.noGo));
    screen.press(KEY.enter);
    await until(() => expect(screen.session.state.closed?.outcome).toBe('NO-GO'));
    // The screen closes the run in the background: wait for its summaries before the bundle goes.
    await until(() => expect(message(screen)).toMatch(/^Decision recorded — the run is closed: NO-GO\./));
    screen.intents.select('decide');
    await until(() => expect(screen.frame()).toContain('— remediation: revoke ***'));
    expect(screen.frame()).not.toContain(SECRET);
  });

  it("a signer's name is shown masked once signed", async () => {
    const screen = mountScreen({ size: WIDE, edit: secrets });
    await openForm(screen, 'sign', 'Sign-off: Joint sign-off');
    const commits = () => screen.frame().split('\n').filter((l) => l.includes(`type ${SHORT} to sign`));
    type(screen, `Priya ${SECRET}`);
    await until(() => expect(field(screen, 'Producer approver — name')).toContain(SECRET));
    screen.press(KEY.enter);
    await until(() => expect(commits()[0]).toMatch(/^› /));
    type(screen, SHORT);
    await until(() => expect(commits()[0]).toContain(`to sign: ${SHORT}`));
    screen.press(KEY.enter);
    await until(() => expect(field(screen, 'Consumer approver — name')).toMatch(/^› /));
    type(screen, 'Marco Consumer');
    await until(() => expect(field(screen, 'Consumer approver — name')).toContain('Marco Consumer'));
    screen.press(KEY.enter);
    await until(() => expect(commits()[1]).toMatch(/^› /));
    type(screen, SHORT);
    await until(() => expect(commits()[1]).toContain(`to sign: ${SHORT}`));
    screen.press(KEY.enter);
    await until(() => expect(screen.session.state.steps.sign!.status).toBe('passed'));
    expect(screen.session.state.signatures.find((s) => s.role === 'pa')!.name).toBe('Priya ***');
    await until(() => expect(message(screen)).toContain('signed by'));
    expect(screen.frame()).not.toContain(SECRET);
  });
});
