// The screen's own state as a pure reducer: which step is selected, which
// modal is open (a form, the output viewer, help, the quit question), and
// the one-line message the last intent left. Nothing here is evidence.

export type FormKind = 'skip' | 'confirm' | 'input' | 'notice' | 'signoff' | 'decision' | 'trigger' | 'clear-trigger' | 'rollback' | 'rollback-vars' | 'quit';

export type Modal = { kind: 'help' } | { kind: 'output'; step: string } | { kind: 'form'; form: FormKind; step?: string };

export interface Message {
  text: string;
  tone: 'info' | 'ok' | 'error' | 'warn';
  /** More lines (every reason of a refusal). */
  details?: string[];
}

export interface UiState {
  selected: string;
  modal?: Modal;
  message?: Message;
}

export type UiAction =
  | { type: 'select'; step: string }
  | { type: 'open'; modal: Modal }
  | { type: 'close' }
  | { type: 'message'; message: Message };

export function uiReducer(state: UiState, action: UiAction): UiState {
  switch (action.type) {
    case 'select':
      return state.selected === action.step ? state : { ...state, selected: action.step };
    case 'open':
      return { ...state, modal: action.modal };
    case 'close':
      return state.modal ? { ...state, modal: undefined } : state;
    case 'message':
      return { ...state, message: action.message };
    default:
      return state;
  }
}
