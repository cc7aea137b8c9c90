// LockPanel: the GO lock, always in view under the detail pane — each option
// of the decision LOCKED with its count of unmet conditions and the first
// one, n/a when the mode never allows it, open once everything holds; after
// the decision, the decision itself and that the run is closed.
import { afterEach, describe, expect, it } from 'vitest';
import { LABEL, prepareToDecide, stepOf } from '../../fixtures/engine/scenario.js';
import { mountScreen, startSession, unmountAll, until, type Screen } from '../screen.js';

afterEach(unmountAll);

/** The lock panel's rows: from its title to the message line. */
function lock(screen: Screen): string[] {
  const lines = screen.frame().split('\n');
  const from = lines.findIndex((l) => l.startsWith('GO lock —'));
  return from === -1 ? [] : lines.slice(from, lines.length - 2);
}

const WIDE = { columns: 240, rows: 30 };

describe('LockPanel', () => {
  it('shows each GO option LOCKED with its count of unmet conditions and the first one', async () => {
    const screen = mountScreen({ size: WIDE });
    await until(() => expect(lock(screen)[0]).toBe('GO lock — Go/no-go'));
    const status = screen.session.lockStatus('decide');
    const go = status.find((o) => o.option.id === 'go-rehearsal')!;
    expect(lock(screen)[1]).toBe(`✗ LOCKED GO (rehearsal continuation) — ${go.unmet.length} unmet, first: ${go.unmet[0]!.message}`);
    expect(lock(screen)[2]).toMatch(/^– n\/a {4}GO \(runtime cutover\) — \d+ unmet, first: GO \(runtime cutover\) is never available in a REHEARSAL/);
    expect(lock(screen)[3]).toBe('✓ open   NO-GO — needs a remediation plan');
    // Each step done takes one condition away.
    screen.session.confirm('rc');
    await until(() => expect(lock(screen)[1]).toContain(`— ${go.unmet.length - 1} unmet, first: `));
    expect(lock(screen)[1]).not.toContain('Release candidate immutable');
  });

  it('locks the runtime GO of a cutover run like any other, not as n/a', async () => {
    const screen = mountScreen({ size: WIDE, session: startSession({ mode: 'cutover' }) });
    await until(() => expect(lock(screen)[2]).toMatch(/^✗ LOCKED GO \(runtime cutover\) — \d+ unmet, first: /));
  });

  it('opens the GO once every condition holds', async () => {
    const screen = mountScreen({ size: WIDE });
    await prepareToDecide(screen.session);
    await until(() => expect(lock(screen)[1]).toBe('✓ open   GO (rehearsal continuation) — every condition holds'));
    expect(lock(screen)[3]).toBe('✓ open   NO-GO — needs a remediation plan');
    expect(lock(screen).join('\n')).not.toContain('LOCKED');
  });

  it('shows the decision and that the run is closed', async () => {
    const screen = mountScreen({ size: WIDE });
    await prepareToDecide(screen.session);
    expect(screen.session.decide('decide', { option: 'go-rehearsal', confirmedText: LABEL.rehearsal }).ok).toBe(true);
    // To the second: the row fits 80 columns (the detail and the journal keep the milliseconds).
    await until(() => expect(lock(screen)[1]).toMatch(/^GO \(rehearsal continuation\) recorded at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/));
    await screen.session.close();
    const at = screen.session.state.decision!.at;
    await until(() => expect(lock(screen)[1]).toBe(`Run closed: GO — GO (rehearsal continuation) recorded at ${at.replace(/\.\d+Z$/, 'Z')}`));
    expect(lock(screen).join('\n')).not.toContain('open');
  });
});

describe('o on the decision step: the GO lock in full', () => {
  it('lists every option and every unmet condition, wrapped not cut, scrolls on a small terminal, and follows the run', async () => {
    const screen = mountScreen({ size: { columns: 80, rows: 24 } });
    screen.intents.select('decide');
    await until(() => expect(screen.frame()).toContain('o GO lock'));
    expect(screen.frame()).toContain('o shows the GO lock in full');
    screen.press('o');
    await until(() => expect(screen.frame().split('\n')[0]).toMatch(/^ GO lock — Go\/no-go · all shown/));
    // The smallest terminal the screen takes: 13 rows of conditions a page.
    screen.store.setState({ size: { columns: 60, rows: 16 } });
    const header = () => screen.frame().split('\n')[0]!;
    await until(() => expect(header()).toMatch(/^ GO lock — Go\/no-go · lines 1–13 of \d+/));
    const total = Number(/of (\d+)/.exec(header())![1]);
    const seen: string[] = screen.frame().split('\n').slice(1, 14);
    for (let from = 13; from < total; from += 13) {
      screen.press(' ');
      const first = Math.min(from, total - 13) + 1;
      await until(() => expect(header()).toContain(`lines ${first}–`));
      seen.push(...screen.frame().split('\n').slice(1, 14).slice(from - (first - 1)));
    }
    const go = screen.session.lockStatus('decide').find((o) => o.option.id === 'go-rehearsal')!;
    const text = seen.map((l) => l.trim()).join(' ').replace(/\s+/g, ' ');
    expect(text).not.toContain('…');
    expect(text).toContain(`✗ GO (rehearsal continuation): LOCKED — ${go.unmet.length} unmet`);
    for (const u of go.unmet) expect(text).toContain(u.message.replace(/\s+/g, ' '));
    expect(text).toContain('GO (runtime cutover) is never available in a REHEARSAL; start a run with --mode cutover on cutover day');
    expect(text).toContain('✓ NO-GO: open — needs a remediation plan');
    expect(screen.frame().split('\n').at(-1)).toContain('q/Esc back');
    // A condition met while it is open goes away at once.
    screen.press('g');
    await until(() => expect(header()).toContain('lines 1–'));
    screen.session.confirm('rc');
    await until(() => expect(screen.frame()).toContain(`LOCKED — ${go.unmet.length - 1} unmet`));
    screen.press('q');
    await until(() => expect(header()).not.toContain(' · lines'));
    expect(screen.store.getState().ui.modal).toBeUndefined();
  });

  it('breaks a word longer than a row (a long title, a path) over rows instead of cutting it', async () => {
    const title = `Release-candidate-immutable-${'x'.repeat(90)}-end`;
    const screen = mountScreen({ size: { columns: 80, rows: 40 }, edit: (rb) => (stepOf(rb, 'rc').title = title) });
    screen.intents.select('decide');
    await until(() => expect(screen.frame()).toContain('o GO lock'));
    screen.press('o');
    await until(() => expect(screen.frame().split('\n')[0]).toMatch(/^ GO lock — Go\/no-go/));
    const rows = screen.frame().split('\n').slice(1, -1);
    expect(rows.join('\n')).not.toContain('…');
    expect(rows.map((r) => r.trim()).join('')).toContain(title);
  });
});
