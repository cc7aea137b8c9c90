// The whole screen: too small, the help, the output viewer, or the main
// layout (header, steps, detail or a form, GO lock, message, keys).
import { Box, Text } from 'ink';
import { useKeys } from '../keys/use-keys.js';
import { useIntents, useRunStore } from '../context.js';
import { commandFor } from '../keys/bindings.js';
import { layoutFor, MIN_COLUMNS, MIN_ROWS } from '../layout.js';
import { lockView } from '../store/selectors.js';
import { DetailPane } from './DetailPane.js';
import { Footer, MessageLine } from './Footer.js';
import { FormPanel } from './FormPanel.js';
import { Header } from './Header.js';
import { HelpOverlay } from './HelpOverlay.js';
import { LockPanel } from './LockPanel.js';
import { LockViewer } from './LockViewer.js';
import { OutputViewer } from './OutputViewer.js';
import { StepList } from './StepList.js';
import { QuitForm } from './forms/QuitForm.js';

export function App() {
  const intents = useIntents();
  const { size, modal } = useRunStore((s) => ({ size: s.size, modal: s.ui.modal }));
  // Ctrl-C works everywhere, forms included: it stops the running step and pauses.
  useKeys((input, key) => {
    if (key.ctrl && input === 'c') intents.command('interrupt');
  });
  // The main screen's keys, only while no form or viewer has the keyboard.
  useKeys(
    (input, key) => {
      const command = commandFor(input, key);
      if (command && command !== 'interrupt') intents.command(command);
    },
    { isActive: modal === undefined },
  );
  if (size.columns < MIN_COLUMNS || size.rows < MIN_ROWS) {
    if (modal?.kind === 'form' && modal.form === 'quit') return <QuitForm height={Math.max(1, size.rows - 1)} />;
    return (
      <Box width={size.columns} height={Math.max(1, size.rows - 1)}>
        <Text wrap="wrap">
          The terminal is {size.columns}×{size.rows}; cutover needs at least {MIN_COLUMNS}×{MIN_ROWS}. Enlarge it (the run goes on; q quits).
        </Text>
      </Box>
    );
  }
  if (modal?.kind === 'help') return <HelpOverlay />;
  // `o` on the decision step: the GO lock in full (a decision has no output).
  if (modal?.kind === 'output') return intents.session.step(modal.step).kind === 'decision' ? <LockViewer /> : <OutputViewer step={modal.step} />;
  return <MainLayout rows={size.rows} columns={size.columns} form={modal?.kind === 'form'} />;
}

function MainLayout({ rows, columns, form }: { rows: number; columns: number; form: boolean }) {
  const runbook = useIntents().session.runbook;
  // The number of options does not change during a run.
  const options = lockView(runbook, useIntents().session.state, 0).options.length;
  const l = layoutFor(rows, options);
  return (
    <Box flexDirection="column" width={columns} height={l.frame}>
      <Header />
      <StepList height={l.list} />
      {form ? <FormPanel height={l.detail + l.lock} /> : <DetailPane height={l.detail} />}
      {form ? null : <LockPanel height={l.lock} />}
      <MessageLine detailRoom={form ? 0 : l.detail - 1} />
      <Footer />
    </Box>
  );
}
