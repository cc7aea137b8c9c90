// The two files a notice (or a status update) is written as — shared by the
// session, which writes them, and verify, which renders them again from the
// journal's values and holds the files to that text. `notices/<step>.md`:
// a heading, when, where, to whom, by whom, then the text verbatim in a
// fenced block; `notices/<step>.txt`: the text alone, paste-ready.
import type { NoticeStep } from '../runbook/types.js';
import { mdText } from './markdown.js';

export interface NoticeMeta {
  sentAt: string;
  by: string;
  channel?: string;
  audience?: string;
  /** A status update: its number and the next-update ETA it promises. */
  update?: number;
  nextUpdate?: string;
}

/** The Markdown version: a heading, the facts of the sending, the text in a fence no line of it can close. */
export function noticeMarkdown(step: NoticeStep, text: string, meta: NoticeMeta): string {
  const longest = Math.max(0, ...[...text.matchAll(/~+/g)].map((m) => m[0].length));
  const fence = '~'.repeat(Math.max(3, longest + 1));
  const L = [`# ${mdText(step.title)}${meta.update !== undefined ? ` — update ${meta.update}` : ''}`, '', `- Sent (UTC): ${mdText(meta.sentAt)}`];
  if (meta.nextUpdate) L.push(`- Next update (UTC): ${mdText(meta.nextUpdate)}`);
  if (meta.channel) L.push(`- Channel: ${mdText(meta.channel)}`);
  if (meta.audience) L.push(`- Audience: ${mdText(meta.audience)}`);
  L.push(`- Sent by: ${mdText(meta.by)}`, `- Step: ${mdText(step.id)}`, '', `${fence}text`, text.replace(/\n+$/, ''), fence, '');
  return L.join('\n');
}

/** The paste-ready text: exactly the rendered template, ending in one newline. */
export function noticePlain(text: string): string {
  return `${text.replace(/\n+$/, '')}\n`;
}
