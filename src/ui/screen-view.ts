// What the screen reads of a run: a live Session (cutover run/resume/demo)
// or a WatchView (cutover watch, read-only). Components draw either through
// this; only the forms, which act, need the Session itself.
import type { Session } from '../session/session.js';
import type { WatchView } from '../session/watch-view.js';

export type ScreenView = Pick<
  Session,
  'runbook' | 'bundleDir' | 'state' | 'snapshot' | 'events' | 'activity' | 'health' | 'clock' | 'subscribe' | 'step' | 'findStep' | 'actionsFor' | 'mask' | 'preview' | 'renderNotice' | 'statementOf' | 'channelOf' | 'relative'
>;

// A WatchView offers the screen all it draws (checked here, at compile time).
export const watchViewIsScreenView = (v: WatchView): ScreenView => v;
