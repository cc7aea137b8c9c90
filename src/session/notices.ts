// A notice as it is sent: written into the bundle twice before its
// notice.sent event — `notices/<step>.md` (Markdown: title, when, where, to
// whom, by whom, then the text verbatim in a fenced block) and
// `notices/<step>.txt` (the text alone, paste-ready into a chat or an
// e-mail). Both digests go into the event, so `cutover verify` holds each
// file to the journal.
import { dirname } from 'node:path';
import type { StreamRecord } from '../engine/events.js';
import { noticeFile } from '../evidence/bundle.js';
import { sha256 } from '../evidence/canonical.js';
import { mdText } from '../evidence/markdown.js';
import type { NoticeStep } from '../runbook/types.js';
import { mkdirDurable, writeFileDurable } from '../shared/durable.js';

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

/** Writes both files (fsync'd) and returns their records for the notice.sent (or notice.updated) event. */
export function writeNoticeFiles(bundleDir: string, step: NoticeStep, text: string, meta: NoticeMeta): { text: StreamRecord; plain: StreamRecord } {
  const write = (ext: 'md' | 'txt', body: string): StreamRecord => {
    const { rel, path } = noticeFile(bundleDir, step.id, ext, meta.update);
    mkdirDurable(dirname(path));
    writeFileDurable(path, body, bundleDir);
    return { file: rel, bytes: Buffer.byteLength(body), sha256: sha256(body) };
  };
  return { text: write('md', noticeMarkdown(step, text, meta)), plain: write('txt', noticePlain(text)) };
}
