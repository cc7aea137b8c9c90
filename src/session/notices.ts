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
import { noticeMarkdown, noticePlain, type NoticeMeta } from '../evidence/notice-text.js';
import type { NoticeStep } from '../runbook/types.js';
import { mkdirDurable, writeFileDurable } from '../shared/durable.js';

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
