// The canonical sign-off text an approver signs (docs/signoffs.md): one
// field a line, in a fixed order, so that what is signed can be read by a
// person and checked by a program. No I/O.

export const SIGNOFF_FORMAT = 'cutover-signoff/v1';
/** The `ssh-keygen -Y` namespace of every sign-off signature. */
export const SIGNOFF_NAMESPACE = 'cutover-signoff';

export interface SignoffText {
  run: string;
  step: string;
  role: string;
  principal: string;
  statement: string;
  /** The evidence digest the sign-off binds to (DESIGN §6 rule 4), hex. */
  evidence: string;
  /** The journal's last hash when the sign-off was requested. */
  journalHead: string;
}

const FIELDS: [keyof SignoffText, string][] = [
  ['run', 'run'],
  ['step', 'step'],
  ['role', 'role'],
  ['principal', 'principal'],
  ['statement', 'statement'],
  ['evidence', 'evidence-digest'],
  ['journalHead', 'journal-head'],
];

/** A value on one line: backslash and line breaks escaped, so a statement of several lines stays one field. */
function escapeValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\r/g, '\\r').replace(/\n/g, '\\n');
}

function unescapeValue(v: string): string {
  return v.replace(/\\(\\|n|r)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : '\\'));
}

export function renderSignoffText(t: SignoffText): string {
  const lines = [`format: ${SIGNOFF_FORMAT}`, ...FIELDS.map(([k, label]) => `${label}: ${escapeValue(t[k])}`)];
  return `${lines.join('\n')}\n`;
}

/** The fields of a sign-off text, or what is wrong with it. */
export function parseSignoffText(text: string): { ok: true; text: SignoffText } | { ok: false; problem: string } {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines[0] !== `format: ${SIGNOFF_FORMAT}`) return { ok: false, problem: `its first line is not "format: ${SIGNOFF_FORMAT}"` };
  if (lines.length !== FIELDS.length + 1) return { ok: false, problem: `it has ${lines.length} lines; a sign-off text has ${FIELDS.length + 1} (format, ${FIELDS.map(([, l]) => l).join(', ')})` };
  const out: Partial<SignoffText> = {};
  for (let i = 0; i < FIELDS.length; i++) {
    const [key, label] = FIELDS[i]!;
    const line = lines[i + 1]!;
    if (!line.startsWith(`${label}: `)) return { ok: false, problem: `line ${i + 2} should start with "${label}: "` };
    out[key] = unescapeValue(line.slice(label.length + 2));
  }
  return { ok: true, text: out as SignoffText };
}

/**
 * Which fields of a signed text differ from what the run expects now, in
 * words (empty: none). The principal is judged elsewhere (allowed for the
 * role), the journal head by the caller (an event of this journal).
 */
export function fieldMismatches(signed: SignoffText, expected: Omit<SignoffText, 'principal' | 'journalHead'>): string[] {
  const out: string[] = [];
  if (signed.run !== expected.run) out.push(`the signed text is for run ${signed.run}, not this run (${expected.run})`);
  if (signed.step !== expected.step) out.push(`the signed text is for step "${signed.step}", not "${expected.step}"`);
  if (signed.role !== expected.role) out.push(`the signed text is for role "${signed.role}", not "${expected.role}"`);
  if (signed.statement !== expected.statement) out.push(`the signed statement differs from the statement of step "${expected.step}" (signed: "${oneLine(signed.statement)}"; the step says: "${oneLine(expected.statement)}")`);
  if (signed.evidence !== expected.evidence) out.push(`the signature binds to evidence digest ${signed.evidence.slice(0, 12)}…, but the evidence is now ${expected.evidence.slice(0, 12)}…: it changed after the request (a step ran, was answered or skipped); request the sign-off again and sign the new text`);
  return out;
}

function oneLine(s: string): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 117)}…` : flat;
}
