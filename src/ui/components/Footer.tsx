// The message line (what the last intent did or why it was refused) and the
// key hints, generated from the key table for the selected step.
import { Box, Text } from 'ink';
import { useIntents, useRunStore } from '../context.js';
import { BINDINGS, type Command } from '../keys/bindings.js';
import { TONE, tint } from '../theme.js';

export function MessageLine() {
  const { message, columns, health } = useRunStore((s) => ({ message: s.ui.message, columns: s.size.columns, health: s.health }));
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
        {message?.details?.length ? ` (+${message.details.length} more above)` : ''}
      </Text>
    </Box>
  );
}

export function Footer() {
  const intents = useIntents();
  const { selected, running, outcome, columns, form, openTriggers } = useRunStore((s) => ({ selected: s.ui.selected, running: s.activity.running !== undefined, outcome: s.outcome, columns: s.size.columns, form: s.ui.modal?.kind === 'form' ? s.ui.modal.form : undefined, openTriggers: s.run.triggers.filter((t) => t.open).length }));
  const hints: string[] = [];
  if ('watching' in intents) hints.push('read-only: watching', '↑↓ move', 'o output', '? help', outcome ? `q leave (${outcome})` : 'q stop watching');
  else if (form === 'quit') hints.push('y / ⏎ pause and quit', 'n / Esc stay');
  else if (form) hints.push('Tab/↑↓ field', '⏎ next / submit', 'Esc cancel', 'Ctrl-C stop & pause');
  else if (outcome) hints.push(`q leave (${outcome})`, '? help', '↑↓ move', 'o output');
  else {
    const a = intents.session.actionsFor(selected);
    const act = a.primary === 'run' ? (a.isRetry ? 'run again' : 'run') : a.primary === 'answer' ? ({ confirm: 'confirm', input: 'fill in', notice: 'send', signoff: 'sign', decision: 'decide' } as Record<string, string>)[a.step.kind] : undefined;
    const show = (c: Command, label?: string) => {
      const b = BINDINGS.find((x) => x.command === c)!;
      hints.push(`${b.keys === 'Enter' ? '⏎' : b.keys.split(' ')[0]} ${label ?? b.hint}`);
    };
    show('down', 'move');
    if (act) show('act', act);
    show('section', 'section');
    if (a.skip.ok) show('skip');
    show('output');
    if (running) show('cancel');
    show('trigger');
    if (openTriggers) show('clearTrigger', 'clear trigger');
    show('help');
    show('quit');
  }
  return (
    <Box width={columns} height={1}>
      <Text inverse wrap="truncate-end">
        {` ${hints.join('  ')} `.padEnd(columns)}
      </Text>
    </Box>
  );
}
