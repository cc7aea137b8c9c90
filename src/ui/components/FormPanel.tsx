// The open form, in place of the detail pane and the GO lock.
import { useIntents, useRunStore } from '../context.js';
import { ConfirmForm, DecisionForm, InputForm, NoticeForm, SignoffForm, SkipForm } from './forms/forms.js';
import { ClearTriggerForm, RollbackPrompt, TriggerForm } from './forms/trigger-forms.js';
import { QuitForm } from './forms/QuitForm.js';
import { RollbackVarsForm } from './forms/rollback-vars-form.js';

export function FormPanel({ height }: { height: number }) {
  const session = useIntents().session;
  const modal = useRunStore((s) => s.ui.modal);
  if (modal?.kind !== 'form') return null;
  const step = modal.step ? session.step(modal.step) : undefined;
  const key = `${modal.form}:${modal.step ?? ''}`;
  switch (modal.form) {
    case 'quit':
      return <QuitForm height={height} />;
    case 'trigger':
      return <TriggerForm key={key} height={height} />;
    case 'clear-trigger':
      return <ClearTriggerForm key={key} height={height} />;
    case 'rollback':
      return <RollbackPrompt key={key} height={height} />;
    case 'rollback-vars':
      return <RollbackVarsForm key={key} height={height} />;
    case 'skip':
      return step ? <SkipForm key={key} step={step} height={height} /> : null;
    case 'confirm':
      return step ? <ConfirmForm key={key} step={step} height={height} /> : null;
    case 'input':
      return step ? <InputForm key={key} step={step} height={height} /> : null;
    case 'notice':
      return step ? <NoticeForm key={key} step={step} height={height} /> : null;
    case 'signoff':
      return step ? <SignoffForm key={key} step={step} height={height} /> : null;
    case 'decision':
      return step ? <DecisionForm key={key} step={step} height={height} /> : null;
    default:
      return null;
  }
}
