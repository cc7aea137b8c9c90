// StepList: a row per step under its section's title, each with the glyph
// and word of its state — pending (what it waits for), running, passed /
// confirmed / recorded / sent / signed / the decision's label, FAILED with its
// reason, waived with the skip reason, cancelled, locked (requires unmet),
// interrupted (after a resume) — the selection marked `›`, and a window that
// scrolls with the selection, with ↑/↓ when rows are hidden above/below.
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Session } from '../../../src/session/session.js';
import { APPROVERS, LABEL, prepareToDecide, stepOf, tempDir } from '../../fixtures/engine/scenario.js';
import { KEY, mountScreen, startSession, ticking, unmountAll, until, type Screen } from '../screen.js';

afterEach(unmountAll);

/** The frame's row of the step titled `title` (the step list comes first in the frame). */
function row(screen: Screen, title: string | RegExp): string {
  return screen.frame().split('\n').find((l) => (typeof title === 'string' ? l.includes(title) : title.test(l))) ?? '';
}

/** The decision's row (not "Go/no-go meeting"). */
const DECISION = /Go\/no-go(?! meeting)/;

const TALL = { columns: 100, rows: 40 };

describe('StepList', () => {
  it('shows the section titles and what each pending step waits for', async () => {
    const screen = mountScreen({ size: TALL });
    await until(() => expect(row(screen, 'Go/no-go meeting')).toMatch(/· Go\/no-go meeting\s+to fill in$/));
    expect(screen.frame()).toMatch(/^ {2}Preconditions$/m);
    expect(screen.frame()).toMatch(/^ {2}Gates$/m);
    expect(row(screen, 'Release candidate immutable')).toMatch(/· Release candidate immutable\s+to confirm$/);
    expect(row(screen, 'Producer suite')).toMatch(/· Producer suite\s+to run$/);
    expect(row(screen, 'Consumer suite')).toMatch(/· Consumer suite\s+to run$/);
    expect(row(screen, 'Announce the decision meeting')).toMatch(/· Announce the decision meeting\s+to send$/);
    expect(row(screen, 'Joint sign-off')).toMatch(/· Joint sign-off\s+to sign$/);
    expect(row(screen, DECISION)).toMatch(/· Go\/no-go\s+to decide$/);
  });

  it('counts the signatures of a half-signed sign-off', async () => {
    const screen = mountScreen({ size: TALL });
    await until(() => expect(row(screen, 'Joint sign-off')).toMatch(/to sign$/));
    screen.session.sign('sign', 'pa', APPROVERS.pa);
    await until(() => expect(row(screen, 'Joint sign-off')).toMatch(/· Joint sign-off\s+1\/2 signed$/));
  });

  it('shows the word of each kind of step done, and the decision by its label', async () => {
    const screen = mountScreen({ size: TALL });
    await prepareToDecide(screen.session);
    expect(screen.session.decide('decide', { option: 'go-rehearsal', confirmedText: LABEL.rehearsal }).ok).toBe(true);
    await until(() => expect(row(screen, DECISION)).toMatch(/✓ Go\/no-go\s+GO \(rehearsal continuation\)$/));
    expect(row(screen, 'Release candidate immutable')).toMatch(/✓ Release candidate immutable\s+confirmed$/);
    expect(row(screen, 'Go/no-go meeting')).toMatch(/✓ Go\/no-go meeting\s+recorded$/);
    expect(row(screen, 'Producer suite')).toMatch(/✓ Producer suite\s+passed \d+\.\ds$/);
    expect(row(screen, 'Announce the decision meeting')).toMatch(/✓ Announce the decision meeting\s+sent$/);
    expect(row(screen, 'Joint sign-off')).toMatch(/✓ Joint sign-off\s+signed$/);
    // At 80 columns the label is not cut beside the short title.
    screen.intents.select('decide');
    screen.store.setState({ size: { columns: 80, rows: 24 } });
    await until(() => expect(row(screen, DECISION)).toMatch(/^ ›✓ Go\/no-go\s+GO \(rehearsal continuation\)$/));
  });

  it('shows FAILED with the reason, waived with the skip reason, and locked with what a step needs', async () => {
    const screen = mountScreen({
      size: TALL,
      edit: (rb) => {
        stepOf(rb, 'producer-suite').run = ['sh', '-c', 'echo broken; exit 3'];
        stepOf(rb, 'optional-lint').requires = ['producer-suite'];
      },
    });
    await until(() => expect(row(screen, 'Optional lint')).toMatch(/◌ Optional lint\s+locked needs producer-suite$/));
    await screen.session.runStep('producer-suite');
    expect(screen.session.skip('consumer-suite', 'covered by the nightly run').ok).toBe(true);
    await until(() => expect(row(screen, 'Producer suite')).toMatch(/✗ Producer suite\s+FAILED exit code 3, expected 0$/));
    expect(row(screen, 'Consumer suite')).toMatch(/⊘ Consumer suite\s+waived covered by the nightly run$/);
    expect(row(screen, 'Optional lint')).toMatch(/◌ Optional lint\s+locked needs producer-suite$/);
  });

  it('shows a running step with its time, then cancelled once it is stopped', async () => {
    const release = join(tempDir(), 'release');
    const screen = mountScreen({ size: TALL, edit: (rb) => (stepOf(rb, 'producer-suite').run = ticking(release)) });
    const run = screen.session.runStep('producer-suite');
    await until(() => expect(row(screen, 'Producer suite')).toMatch(/Producer suite\s+running \d+:\d\d$/));
    // A spinner stands in for the glyph while it runs.
    expect(row(screen, 'Producer suite')).not.toMatch(/[·✓✗]/);
    expect(screen.session.cancel().ok).toBe(true);
    await run;
    await until(() => expect(row(screen, 'Producer suite')).toMatch(/■ Producer suite\s+cancelled runs again$/));
  });

  it('under NO_COLOR shows the running glyph ▶ instead of the spinner, read when drawn (not once per process)', async () => {
    const release = join(tempDir(), 'release');
    const screen = mountScreen({ size: TALL, edit: (rb) => (stepOf(rb, 'producer-suite').run = ticking(release)) });
    const run = screen.session.runStep('producer-suite');
    const before = process.env.NO_COLOR;
    try {
      delete process.env.NO_COLOR;
      await until(() => expect(row(screen, 'Producer suite')).toMatch(/^ {2}[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Producer suite\s+running \d+:\d\d$/));
      process.env.NO_COLOR = '1';
      await until(() => expect(row(screen, 'Producer suite')).toMatch(/^ {2}▶ Producer suite\s+running \d+:\d\d$/));
    } finally {
      // The rest of the file draws as it would have.
      if (before === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = before;
      writeFileSync(release, '');
    }
    await run;
  });

  it('shows an attempt cut off by a crash as interrupted after the resume', async () => {
    // The bundle copied while a step runs is what a crash leaves behind: step.started without its end.
    const release = join(tempDir(), 'release');
    const first = startSession({ edit: (rb) => (stepOf(rb, 'producer-suite').run = ticking(release)) });
    const running = first.runStep('producer-suite');
    await until(() => expect(first.state.steps['producer-suite']!.status).toBe('running'));
    const crashed = join(tempDir(), 'bundle');
    cpSync(first.bundleDir, crashed, { recursive: true });
    for (const f of ['.lock', 'steps/producer-suite/attempt-1/pid', 'steps/producer-suite/attempt-1/pid.identity']) rmSync(join(crashed, f), { force: true });
    writeFileSync(release, '');
    await running;
    first.release();

    const screen = mountScreen({ size: TALL, session: Session.resume(crashed) });
    await until(() => expect(row(screen, 'Producer suite')).toMatch(/! Producer suite\s+interrupted runs again$/));
  });

  it('marks the selected step with › and moves the mark with the selection', async () => {
    const screen = mountScreen({ size: TALL });
    await until(() => expect(row(screen, 'Release candidate immutable')).toMatch(/^ ›· Release candidate immutable/));
    expect(screen.frame().match(/›/g)).toHaveLength(1);
    screen.press('j');
    await until(() => expect(row(screen, 'Go/no-go meeting')).toMatch(/^ ›· Go\/no-go meeting/));
    expect(row(screen, 'Release candidate immutable')).toMatch(/^ {2}· Release candidate immutable/);
    expect(screen.frame().match(/›/g)).toHaveLength(1);
  });

  it('scrolls a short list so the selection stays in view, with ↑ and ↓ where rows are hidden', async () => {
    const screen = mountScreen({ size: { columns: 80, rows: 16 } });
    const steps = ['rc', 'meeting', 'producer-suite', 'consumer-suite', 'optional-lint', 'notice', 'sign', 'decide'];
    const titles = ['Release candidate immutable', 'Go/no-go meeting', 'Producer suite', 'Consumer suite', 'Optional lint', 'Announce the decision meeting', 'Joint sign-off', 'Go/no-go'];
    // 2 header rows, then the list (3 rows at 80×16), then the detail pane's rule.
    const list = () => {
      const lines = screen.frame().split('\n');
      return lines.slice(2, lines.findIndex((l) => l.startsWith('───')));
    };
    await until(() => expect(list()).toHaveLength(3));
    expect(list()[0]).toMatch(/^ {2}Preconditions/);
    expect(list()[2]).toMatch(/^↓/);
    let both = false;
    for (let i = 0; i < steps.length; i++) {
      if (i > 0) screen.press(KEY.down);
      await until(() => expect(screen.store.getState().ui.selected).toBe(steps[i]));
      await until(() => expect(list().find((l) => l.includes('›'))).toContain(titles[i]));
      const rows = list();
      expect(rows).toHaveLength(3);
      // ↑ exactly when the first row of the list is out of view, ↓ when the last one is.
      expect(rows[0]!.startsWith('↑'), rows.join('\n')).toBe(!rows[0]!.includes('Preconditions'));
      expect(rows[2]!.startsWith('↓'), rows.join('\n')).toBe(!DECISION.test(rows[2]!));
      both ||= rows[0]!.startsWith('↑') && rows[2]!.startsWith('↓');
    }
    expect(both).toBe(true);
    // At the end nothing is hidden below; at the top again nothing above.
    expect(list()[2]).toMatch(/^ /);
    screen.press('g');
    await until(() => expect(list().find((l) => l.includes('›'))).toContain('Release candidate immutable'));
    expect(list()[0]).toMatch(/^ {2}Preconditions/);
  });
});
