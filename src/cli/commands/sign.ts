// `cutover sign <bundle-or-msg-file> --step ID --role ROLE --key FILE`: the
// approver's one command. It signs the requested text with
// `ssh-keygen -Y sign`; given a bundle it checks the signature as the run
// will (refusing with every reason, nothing written) and drops it beside
// the text as signoffs/<step>/<role>.sig — the run holding the bundle picks
// it up; given a message file it writes <role>.sig beside it to send back.
import { closeSync, constants, existsSync, lstatSync, openSync, statSync, writeFileSync } from 'node:fs';
import { readSmallFile } from '../../shared/small-file.js';
import { dirname, join } from 'node:path';
import { parseCommandArgs, type OptionSpec } from '../args.js';
import { EXIT, InputError } from '../errors.js';
import type { CliIO } from '../io.js';
import { commandName } from '../../shared/command-name.js';
import { mkdirDurable, writeFileDurable } from '../../shared/durable.js';
import { readSignersCopy, signoffFiles } from '../../session/signed-signoffs.js';
import { judgeSignature } from '../../signoff/judge.js';
import { keyFingerprint, sshSign } from '../../signoff/ssh-keygen.js';
import { parseSignoffText } from '../../signoff/text.js';
import { currentRequest, judgeContextOf, readBundle, signoffStep, type BundleView } from './signoff-bundle.js';
import { closedDecision, decisionSignatureProblems, decisionText, OPERATOR_ROLE, operatorPrincipals } from '../../signoff/decision-signature.js';
import { keysOf } from '../../signoff/keys.js';
import { sealDecision } from '../../session/decision-seal.js';

export const HELP = `Usage: cutover sign <bundle-dir | msg-file> --step ID --role ROLE --key FILE

Signs a sign-off text with your SSH key (ssh-keygen -Y sign, namespace
cutover-signoff). Given the run's bundle, the signature is checked as the run
will check it and written to signoffs/<step>/<role>.sig, where the run picks it
up (also while it is running). Given a .msg file someone sent you, the
signature is written beside it as <role>.sig: send that file back.
See docs/signoffs.md.

Options:
  --step ID    the sign-off step
  --role ROLE  the role you sign for
  --key FILE   your private SSH key (e.g. ~/.ssh/id_ed25519; mode 0600)
  -h, --help

Exit codes: 0 signed, 1 the signature would be refused (every reason is
printed; nothing is written), 2 bad input (no request, wrong step or role,
unreadable key).`;

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export const OPTIONS = {
  step: { type: 'string' },
  role: { type: 'string' },
  key: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

export async function main(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('sign', args, OPTIONS);
  if (values.help) {
    io.out(HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new InputError('sign: give the bundle directory or the .msg file to sign', 'run `cutover sign --help`');
  if (!values.key) throw new InputError('sign: --key is required', 'pass your private SSH key, e.g. --key ~/.ssh/id_ed25519');
  if (!values.step || !values.role) throw new InputError('sign: --step and --role are required', 'they name what you sign, e.g. --step joint-signoff --role producer_approver');
  const target = positionals[0]!;
  return isDirectory(target) ? await signInBundle(io, target, values.step, values.role, values.key) : signMessageFile(io, target, values.step, values.role, values.key);
}

async function signInBundle(io: CliIO, bundle: string, stepId: string, roleId: string, key: string): Promise<number> {
  const view = readBundle(bundle);
  if (roleId === OPERATOR_ROLE) return signDecision(io, view, bundle, stepId, key);
  const { step, role } = signoffStep(view, stepId, roleId, 'sign');
  const request = currentRequest(view, step.id, role);
  const files = signoffFiles(bundle, step.id, role);
  if (!request) {
    throw new InputError(`${files.msg}: the run has no current request for ${role} on "${step.id}" (none yet, or the evidence changed since)`, `ask the captain to run \`${commandName()} signoff request ${bundle} --step ${step.id} --role ${role}\`, or wait until the run reaches the step`);
  }
  const read = readSmallFile(files.msg);
  if (!read.ok) throw new InputError(`${files.msg}: the text to sign ${read.problem}`, `run \`${commandName()} signoff request ${bundle} --step ${step.id} --role ${role}\``);
  const message = read.text;
  showText(io, message);
  const signature = sshSign(key, message);
  const verdict = judgeSignature(judgeContextOf(view, step, role, request), message, signature);
  if (!verdict.ok) {
    io.err(`${files.msg}: the signature of ${role} would be refused:\n${verdict.reasons.map((r) => `  - ${r}`).join('\n')}\nnothing was written.`);
    return EXIT.notOk;
  }
  mkdirDurable(dirname(files.sig));
  writeFileDurable(files.sig, signature, bundle);
  io.out(`Signed "${step.id}" as ${role} (principal ${verdict.principal}, key ${verdict.fingerprint}): ${files.sig}`);
  io.out(`The run holding the bundle records it; a paused run records it on \`${commandName()} resume ${bundle}\`.`);
  return EXIT.ok;
}

function signMessageFile(io: CliIO, file: string, step: string, role: string, key: string): number {
  const read = readSmallFile(file);
  if (!read.ok) throw new InputError(`${file}: the text to sign ${read.problem}`, 'pass the bundle directory or the .msg file of the request');
  const message = read.text;
  const parsed = parseSignoffText(message);
  if (!parsed.ok) throw new InputError(`${file}: not a cutover sign-off text: ${parsed.problem}`, 'sign the .msg file exactly as `cutover signoff request` wrote it');
  if (parsed.text.step !== step || parsed.text.role !== role) {
    throw new InputError(`${file}: the text is for role ${parsed.text.role} on "${parsed.text.step}", not ${role} on "${step}"`, 'check --step and --role against the text you were sent');
  }
  const out = join(dirname(file), `${file.replace(/^.*\//, '').replace(/\.msg$/, '')}.sig`);
  if (existsSync(out) || isLink(out)) throw new InputError(`${out}: already exists; nothing was signed`, 'remove it first if you mean to sign again (a signature is never written over a file or through a link)');
  showText(io, message);
  const signature = sshSign(key, message);
  // Created, never opened through a link or over another file (a link planted there makes this fail).
  try {
    const fd = openSync(out, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o644);
    try {
      writeFileSync(fd, signature);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    throw new InputError(`${out}: cannot write the signature (${(err as NodeJS.ErrnoException).code ?? String(err)})`, 'remove the file in its way, or sign in a directory you own');
  }
  io.out(`Signed "${step}" as ${role} (principal ${parsed.text.principal}): ${out}`);
  io.out('Send that file back to the release captain: they paste it on the screen or in the answers file, or drop it into the bundle as');
  io.out(`signoffs/${step}/${role}.sig. The run checks it (principal allowed for the role, evidence still current) when it records it.`);
  return EXIT.ok;
}

/** What is about to be signed, in the words of the text itself: the signer sees it before ssh-keygen runs. */
function showText(io: CliIO, message: string): void {
  const t = parseSignoffText(message);
  if (!t.ok) return;
  io.out(`Signing, as ${t.text.principal}:\n  run        ${t.text.run}\n  step       ${t.text.step}\n  role       ${t.text.role}\n  statement  ${JSON.stringify(t.text.statement)}\n  evidence   ${t.text.evidence}`);
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The operator signs the decision of a closed run, binding its final journal head (docs/signoffs.md). */
async function signDecision(io: CliIO, view: BundleView, bundle: string, stepId: string, key: string): Promise<number> {
  if (!view.runbook.signers) throw new InputError(`${bundle}: runbook ${view.runbook.id} names no allowed-signers file`, 'only a signed runbook\'s decision is signed (docs/signoffs.md)');
  const closed = closedDecision(view.events);
  if (!closed) throw new InputError(`${bundle}: the run is not closed with a recorded decision yet`, 'the operator signs the decision once the run is closed; run this again then');
  if (closed.decision.step !== stepId) throw new InputError(`${bundle}: the decision step of this run is "${closed.decision.step}", not "${stepId}"`, `run \`${commandName()} sign ${bundle} --step ${closed.decision.step} --role operator --key FILE\``);
  // Held to run.started's digest (review F3): a swapped copy is never signed against.
  const copy = readSignersCopy(bundle, view.events);
  if ('problem' in copy) throw new InputError(copy.problem, 'run `cutover verify` on the bundle');
  const allowedText = copy.text;
  const parsed = { value: copy.entries };
  const fingerprint = keyFingerprint(key);
  const principals = operatorPrincipals(parsed.value, closed.operators, view.events);
  const principal = principals.find((p) => keysOf(parsed.value, p).includes(fingerprint));
  if (!principal) {
    const recorded = view.events.some((e) => (e.type === 'run.started' || e.type === 'run.resumed') && e.operator_principal);
    io.err(recorded ? `${bundle}: the key ${fingerprint} is not a key of the operator's principal (${principals.join(', ')}, recorded by the run with --operator-principal) in signoffs/allowed_signers; nothing was written.` : `${bundle}: the key ${fingerprint} is not the key of an operator of this run (${closed.operators.join(', ')}) in signoffs/allowed_signers${principals.length ? ` (their principals: ${principals.join(', ')})` : ''}; nothing was written.`);
    return EXIT.notOk;
  }
  const files = signoffFiles(bundle, stepId, OPERATOR_ROLE);
  if (view.events.some((e) => e.type === 'decision.signed')) throw new InputError(`${files.sig}: the decision is signed already`, `a decision is signed once; \`${commandName()} verify ${bundle}\` checks that signature`);
  const message = decisionText(view.events, principal)!;
  const signature = sshSign(key, message);
  const problems = decisionSignatureProblems(view.events, allowedText, parsed.value, message, signature);
  if (problems.length) {
    io.err(`${bundle}: the operator's signature of the decision would not hold:\n${problems.map((p) => `  - ${p}`).join('\n')}\nnothing was written.`);
    return EXIT.notOk;
  }
  // Journaled after run.closed (decision.signed), the summaries written again: verify holds it to the journal.
  const ev = await sealDecision(bundle, view.runbook, { decision: stepId, principal, key: fingerprint, message, signature });
  io.out(`Signed the decision as the operator (principal ${principal}, key ${fingerprint}), binding the final journal head: ${files.sig}`);
  io.out(`Recorded in the journal as decision.signed (seq ${ev.seq}); ${commandName()} verify ${bundle} checks it.`);
  return EXIT.ok;
}
