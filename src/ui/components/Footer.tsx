// The message line (what the last intent did or why it was refused) and the
// key hints, generated from the key table for the selected step.
import { Box, Text } from 'ink';
import { useIntents, useRunStore } from '../context.js';
import { BINDINGS, type Command } from '../keys/bindings.js';
import { fitHints, type Hint } from '../keys/hints.js';
import { detailRows } from '../layout.js';
import { TONE, tint } from '../theme.js';

/** `detailRoom`: the rows the detail pane gives a message's further lines (none while a form has its place). */
export function MessageLine({ detailRoom }: { detailRoom: number }) {
  const { message, columns, health } = useRunStore((s) => ({ message: s.ui.message, columns: s.size.columns, health: s.health }));
  // The further lines the detail pane draws: the count says how many rows above are this message's.
  const more = detailRows(message?.details, columns, detailRoom).length;
  if (health.journal !== 'ok') {
    return (
      <Text color={tint('red')} bold wrap="truncate-end">
        ! the journal cannot be written ({health.journal.code}): nothing more is recorded — free the cause, then `cutover resume`
      </Text>
    );
  }
  return (
    <Box width={columns} height={1}>
      <Text color={message ? tint(TONE[message.tone]) : undefined} wrap="truncate-end">
        {message ? message.text : ' '}
        {more ? ` (+${more} more above)` : ''}
      </Text>
    </Box>
  );
}

export function Footer() {
  const intents = useIntents();
  const { selected, running, outcome, columns, form, openTriggers } = useRunStore((s) => ({ selected: s.ui.selected, running: s.activity.running !== undefined, outcome: s.outcome, columns: s.size.columns, form: s.ui.modal?.kind === 'form' ? s.ui.modal.form : undefined, openTriggers: s.run.triggers.filter((t) => t.open).length }));
  // keep: 3 the ways out and help, 2 what acts on the step, 1 the rest (dropped first on a narrow terminal).
  const hints: Hint[] = [];
  // o on the decision opens the GO lock in full (LockViewer), on any other step its output.
  const onDecision = intents.session.findStep(selected)?.kind === 'decision';
  const add = (text: string, keep: number) => hints.push({ text, keep });
  if ('watching' in intents) {
    add('read-only: watching', 2);
    add('↑↓ move', 1);
    add(onDecision ? 'o GO lock' : 'o output', 1);
    add('? help', 3);
    add(outcome ? `q leave (${outcome})` : 'q stop watching', 3);
  } else if (form === 'quit') {
    add('y / ⏎ pause and quit', 3);
    add('n / Esc stay', 3);
  } else if (form) {
    add('Tab/↑↓ field', 1);
    add('⏎ next / submit', 3);
    add('Esc cancel', 3);
    add('Ctrl-C stop & pause', 2);
  } else if (outcome) {
    add(`q leave (${outcome})`, 3);
    add('? help', 3);
    add('↑↓ move', 1);
    add(onDecision ? 'o GO lock' : 'o output', 1);
  } else {
    const a = intents.session.actionsFor(selected);
    const act = a.primary === 'run' ? (a.isRetry ? 'run again' : 'run') : a.primary === 'answer' ? ({ confirm: 'confirm', input: 'fill in', notice: 'send', signoff: 'sign', decision: 'decide' } as Record<string, string>)[a.step.kind] : undefined;
    const show = (c: Command, keep: number, label?: string) => {
      const b = BINDINGS.find((x) => x.command === c)!;
      add(`${b.keys === 'Enter' ? '⏎' : b.keys.split(' ')[0]} ${label ?? b.hint}`, keep);
    };
    show('down', 1, 'move');
    if (act) show('act', 2, act);
    show('section', 1, 'section');
    if (a.skip.ok) show('skip', 1);
    show('output', 1, a.step.kind === 'decision' ? 'GO lock' : undefined);
    if (running) show('cancel', 2);
    show('trigger', 1);
    if (openTriggers) show('clearTrigger', 1, 'clear trigger');
    show('help', 3);
    show('quit', 3);
  }
  return (
    <Box width={columns} height={1}>
      <Text inverse wrap="truncate-end">
        {` ${fitHints(hints, columns).join('  ')} `.padEnd(columns)}
      </Text>
    </Box>
  );
}
