// Footer and MessageLine: the key hints follow the selected step (what Enter
// does to it, retry and skip only when they apply, cancel only while a step
// runs, the form's own keys while a form is open, leave once the run is
// closed); the message line says what the last intent did, or why it was
// refused (the refusal's further reasons and hint go above it).
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { LABEL, prepareToDecide, stepOf, tempDir } from '../../fixtures/engine/scenario.js';
import { KEY, mountScreen, ticking, unmountAll, until, type Screen } from '../screen.js';

afterEach(unmountAll);

const footer = (screen: Screen) => screen.frame().split('\n').at(-1)!.trimEnd();
const message = (screen: Screen) => screen.frame().split('\n').at(-2)!;

async function select(screen: Screen, step: string): Promise<void> {
  screen.intents.select(step);
  await until(() => expect(screen.frame()).toContain(`\`${step}\``));
}

const WIDE = { columns: 200, rows: 30 };

describe('Footer', () => {
  it('says what Enter does to the selected step', async () => {
    const screen = mountScreen({ size: WIDE });
    const act: [string, string][] = [['rc', '⏎ confirm'], ['meeting', '⏎ fill in'], ['producer-suite', '⏎ run'], ['notice', '⏎ send'], ['sign', '⏎ sign'], ['decide', '⏎ decide']];
    for (const [step, hint] of act) {
      await select(screen, step);
      await until(() => expect(footer(screen)).toContain(`↓ move  ${hint}  a section`));
    }
    expect(footer(screen)).toBe(' ↓ move  ⏎ decide  a section  o GO lock  R trigger  ? help  q quit');
  });

  it('offers skip only where it applies, and no Enter on a step whose requires are unmet', async () => {
    const screen = mountScreen({ size: WIDE, edit: (rb) => (stepOf(rb, 'consumer-suite').requires = ['producer-suite']) });
    await select(screen, 'rc');
    expect(footer(screen)).toContain('  s skip  ');
    await select(screen, 'decide');
    expect(footer(screen)).not.toContain('skip');
    await select(screen, 'consumer-suite');
    expect(footer(screen)).toBe(' ↓ move  a section  s skip  o output  R trigger  ? help  q quit');
    screen.session.confirm('rc');
    await until(() => expect(screen.store.getState().run.steps.rc!.status).toBe('passed'));
    await select(screen, 'rc');
    expect(footer(screen)).not.toContain('⏎');
    expect(footer(screen)).not.toContain('skip');
  });

  it('says "run again" once a step has run, and "c cancel" only while a step runs', async () => {
    const release = join(tempDir(), 'release');
    const screen = mountScreen({ size: WIDE, edit: (rb) => (stepOf(rb, 'producer-suite').run = ticking(release)) });
    await select(screen, 'producer-suite');
    expect(footer(screen)).toContain('⏎ run  ');
    expect(footer(screen)).not.toContain('cancel');
    screen.press(KEY.enter);
    await until(() => expect(footer(screen)).toContain('  c cancel  '));
    expect(footer(screen)).not.toContain('⏎');
    // Any step selected: the cancel is for the running one.
    await select(screen, 'rc');
    expect(footer(screen)).toContain('  c cancel  ');
    writeFileSync(release, '');
    await until(() => expect(screen.session.state.steps['producer-suite']!.status).toBe('passed'));
    await until(() => expect(footer(screen)).not.toContain('cancel'));
    await select(screen, 'producer-suite');
    expect(footer(screen)).toContain('⏎ run again  ');
  });

  it('fits 80 columns: with a step running and a trigger open, the least needed hints give way, never ? help and q quit', async () => {
    const release = join(tempDir(), 'release');
    const screen = mountScreen({ size: { columns: 80, rows: 24 }, edit: (rb) => (stepOf(rb, 'producer-suite').run = ticking(release)) });
    await select(screen, 'producer-suite');
    screen.press(KEY.enter);
    await until(() => expect(footer(screen)).toContain('c cancel'));
    expect(screen.session.declareTrigger('envelope-mismatch', 'legacy_error in a 404').ok).toBe(true);
    // A manual step selected meanwhile: Enter and s apply to it too.
    await select(screen, 'rc');
    await until(() => expect(footer(screen)).toMatch(/ c cancel .*\? help {2}q quit$/));
    expect(footer(screen)).toContain('⏎ confirm');
    expect(footer(screen).length).toBeLessThanOrEqual(80);
    // At 200 columns every hint is there, clear trigger included.
    screen.store.setState({ size: WIDE });
    await until(() => expect(footer(screen)).toBe(' ↓ move  ⏎ confirm  a section  s skip  o output  c cancel  R trigger  C clear trigger  ? help  q quit'));
    writeFileSync(release, '');
    await until(() => expect(screen.session.state.steps['producer-suite']!.status).toBe('passed'));
  });

  it("shows the form's keys while a form is open, and how to leave once the run is closed", async () => {
    const screen = mountScreen({ size: WIDE });
    await select(screen, 'rc');
    screen.press(KEY.enter);
    await until(() => expect(footer(screen)).toBe(' Tab/↑↓ field  ⏎ next / submit  Esc cancel  Ctrl-C stop & pause'));
    screen.press(KEY.escape);
    await until(() => expect(footer(screen)).toContain('⏎ confirm'));
    await prepareToDecide(screen.session);
    screen.session.decide('decide', { option: 'no-go', confirmedText: LABEL.noGo, remediation: 'fix the envelope' });
    await screen.session.close();
    await until(() => expect(footer(screen)).toBe(' q leave (NO-GO)  ? help  ↑↓ move  o output'));
    // On the decision, o opens the GO lock in full, and says so.
    screen.intents.select('decide');
    await until(() => expect(footer(screen)).toBe(' q leave (NO-GO)  ? help  ↑↓ move  o GO lock'));
  });
});

describe('MessageLine', () => {
  it('shows why Enter was refused on a step whose requires are unmet, with the hint above', async () => {
    const screen = mountScreen({ size: WIDE, edit: (rb) => (stepOf(rb, 'consumer-suite').requires = ['producer-suite']) });
    await select(screen, 'consumer-suite');
    expect(message(screen).trim()).toBe('');
    screen.press(KEY.enter);
    await until(() => expect(message(screen)).toContain('"Consumer suite" (consumer-suite) requires "Producer suite" (producer-suite) (not done yet) to pass first (+1 more above)'));
    expect(screen.frame()).toContain('hint: do the required steps first, or skip this one with a reason');
    expect(screen.session.state.steps['consumer-suite']!.attempts).toHaveLength(0);
  });

  it("wraps a message's further lines at the terminal's width when drawn, so a resize wraps them again; nothing is cut", async () => {
    const screen = mountScreen({ size: { columns: 80, rows: 24 } });
    const command = 'cutover run checklists/rollback-service-v3.yaml --mode cutover --evidence-dir /srv/evidence/incident-2026-12-02 --answers /srv/answers/rollback.yaml --var channel=#release-bridge --operator "Rita Responder" ENDMARK';
    screen.intents.say('quit (q), then the command above', 'warn', [command]);
    const rows = (s: Screen) => s.frame().split('\n');
    const above = async (columns: number): Promise<number> => {
      screen.store.setState({ size: { columns, rows: 24 } });
      let n = 0;
      await until(() => {
        expect(rows(screen)).toContain('─'.repeat(columns)); // the frame drawn at this width
        const m = /\(\+(\d+) more above\)/.exec(message(screen));
        expect(m).not.toBeNull();
        n = Number(m![1]);
        // Every row of the command is on screen, within the width: its last word and its middle are not cut.
        expect(rows(screen).some((r) => r.includes('ENDMARK'))).toBe(true);
        expect(rows(screen).some((r) => r.includes('/srv/evidence/incident-2026-12-02'))).toBe(true);
        expect(rows(screen).every((r) => r.trimEnd().length <= columns)).toBe(true);
      });
      return n;
    };
    const at80 = await above(80);
    const at60 = await above(60);
    const at120 = await above(120);
    expect(at80).toBeGreaterThanOrEqual(3);
    expect(at60).toBeGreaterThan(at80);
    expect(at120).toBeLessThan(at80);
  });

  it('does not point above while a form takes the place of the lines it would point at', async () => {
    const screen = mountScreen({ size: WIDE, edit: (rb) => (stepOf(rb, 'consumer-suite').requires = ['producer-suite']) });
    await select(screen, 'consumer-suite');
    screen.press(KEY.enter);
    await until(() => expect(message(screen)).toContain('(+1 more above)'));
    await select(screen, 'rc');
    screen.press(KEY.enter);
    await until(() => expect(screen.store.getState().ui.modal).toMatchObject({ kind: 'form' }));
    await until(() => expect(message(screen)).not.toContain('more above'));
    expect(message(screen)).toContain('requires "Producer suite" (producer-suite) (not done yet) to pass first');
  });

  it('counts only the rows the detail pane has room for; the last one shown says there was more', async () => {
    const screen = mountScreen({ size: { columns: 80, rows: 24 } });
    const reasons = Array.from({ length: 12 }, (_, i) => `reason ${i + 1}: the field this names does not check out`);
    screen.intents.say('refused', 'error', reasons);
    await until(() => expect(message(screen)).toMatch(/^refused \(\+\d+ more above\)/));
    const n = Number(/\(\+(\d+) more above\)/.exec(message(screen))![1]);
    const rows = screen.frame().split('\n');
    const shown = rows.filter((r) => /^reason \d+:/.test(r));
    expect(shown).toHaveLength(n);
    expect(n).toBeLessThan(reasons.length);
    expect(shown.at(-1)).toMatch(/ …$/);
    expect(shown[0]).toBe('reason 1: the field this names does not check out');
  });

  it('says what an intent did', async () => {
    const screen = mountScreen({ size: WIDE });
    await select(screen, 'producer-suite');
    screen.press(KEY.enter);
    await until(() => expect(message(screen)).toMatch(/^✓ "Producer suite" passed\s*$/));
  });
});
