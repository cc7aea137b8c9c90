// Review finding 6 (issue 13): a `cutover trigger` request file is taken
// only as the command writes it — exact keys, strings, a trigger id, a note
// of bounded length, `by` a person's name as --operator takes it (stored
// cleaned: a control character is a space) — or refused with the reason.
import { describe, expect, it } from 'vitest';
import { MAX_NOTE_CHARS, parseRequest } from '../../src/session/trigger-requests.js';

const ok = { action: 'declare', trigger: 'envelope-mismatch', note: 'seen', by: 'Rita Responder' };
const parse = (v: unknown) => parseRequest(typeof v === 'string' ? v : JSON.stringify(v));

describe('parseRequest', () => {
  it('takes a request as the command writes it, and cleans the name as --operator does', () => {
    expect(parse({ ...ok, severity: 'SEV-1', identified_at: '2026-03-02T14:00:00.000Z' })).toEqual({ ...ok, severity: 'SEV-1', identified_at: '2026-03-02T14:00:00.000Z' });
    expect(parse({ ...ok, by: ' Rita\x1b[2J\r\nResponder ' })).toMatchObject({ by: 'Rita [2J Responder' });
    expect(parse({ action: 'clear', trigger: 'envelope-mismatch', note: 'false alarm', by: 'Rita Responder' })).toMatchObject({ action: 'clear' });
  });

  it('refuses, with the reason, what the command never writes', () => {
    expect(parse('{')).toBe('the request is not JSON');
    expect(parse([ok])).toBe('the request is not a JSON object');
    expect(parse(null)).toBe('the request is not a JSON object');
    expect(parse({ ...ok, extra: 1 })).toContain('unknown key(s) "extra"');
    expect(parse({ ...ok, action: 'delete' })).toContain('action must be "declare" or "clear"');
    expect(parse({ ...ok, severity: 1 })).toBe("the request's severity must be a string, not number");
    expect(parse({ ...ok, identified_at: null })).toBe("the request's identified_at must be a string, not null");
    expect(parse({ ...ok, note: { toString: 'x' } })).toBe("the request's note must be a string, not object");
    expect(parse({ ...ok, trigger: 'Envelope\x1b' })).toContain('must be a trigger id of the matrix');
    expect(parse({ ...ok, note: '  ' })).toBe('the request needs a note');
    expect(parse({ ...ok, note: 'x'.repeat(MAX_NOTE_CHARS + 1) })).toContain(`longer than ${MAX_NOTE_CHARS} characters`);
    expect(parse({ ...ok, by: undefined })).toContain('needs by');
    expect(parse({ ...ok, by: '\x1b\r\n 42 ' })).toMatch(/by \(who ran cutover trigger\)/);
    expect(parse({ action: 'clear', trigger: 'envelope-mismatch', note: 'x', by: 'Rita Responder', severity: 'SEV-1' })).toBe('a clear request takes no severity or identified_at');
  });
});
