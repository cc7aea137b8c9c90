// `cutover signoff request <bundle> --step ID --role ROLE`: the text an
// approver signs (signoffs/<step>/<role>.msg) and the one command they run.
// A current request is printed as it is (nothing written, so this works
// while the captain's session holds the bundle); otherwise the paused run
// is opened, the request journaled, and the bundle released again.
import { parseCommandArgs, type OptionSpec } from '../args.js';
import { EXIT, InputError } from '../errors.js';
import type { CliIO } from '../io.js';
import { commandName } from '../../shared/command-name.js';
import { Session } from '../../session/session.js';
import { signoffFiles, type SignoffRequest } from '../../session/signed-signoffs.js';
import { SIGNOFF_NAMESPACE } from '../../signoff/text.js';
import { currentRequest, readBundle, signoffStep } from './signoff-bundle.js';

export const HELP = `Usage: cutover signoff request <bundle-dir> --step ID --role ROLE
                               [--principal NAME]

Writes the text the approver of ROLE signs for the sign-off step ID into the
bundle (signoffs/<step>/<role>.msg) and prints it with the command that signs
it, and every principal the runbook allows for the role. The text names the
run, the step, the role, the principal, the statement, the evidence digest the
sign-off binds to and the journal head. A run waiting at the step has already
written it (in the name of the role's first principal); this prints it again.
See docs/signoffs.md.

Options:
  --step ID         the sign-off step
  --role ROLE       the role that signs
  --principal NAME  request the text in the name of another principal allowed
                    for the role (the run must be paused: exit 3 while a
                    session holds the bundle)
  -h, --help

Exit codes: 0 printed, 2 bad input (not a bundle, not a sign-off step or role,
the runbook has no signers), 3 the run holding the bundle has not requested
it yet.`;

export function printRequest(io: CliIO, bundle: string, req: SignoffRequest, allowed: readonly string[] = [req.principal]): void {
  const files = signoffFiles(bundle, req.step, req.role);
  io.out(`Sign-off request for ${req.role} on "${req.step}" (principal ${req.principal}): ${files.msg}`);
  const others = allowed.filter((p) => p !== req.principal);
  io.out(`Allowed to sign for ${req.role}: ${allowed.join(', ')}${others.length ? ` — the text names ${req.principal}; for another of them run \`${commandName()} signoff request ${bundle} --step ${req.step} --role ${req.role} --principal NAME\` (on a paused run)` : ''}`);
  io.out('');
  io.out(req.message.trimEnd().split('\n').map((l) => `    ${l}`).join('\n'));
  io.out('');
  io.out('The approver signs it with one command, on a machine that sees the bundle:');
  io.out(`    ${commandName()} sign ${bundle} --step ${req.step} --role ${req.role} --key ~/.ssh/id_ed25519`);
  io.out(`or anywhere, with ssh-keygen alone, on a copy of ${req.role}.msg (then send ${req.role}.sig back):`);
  io.out(`    ssh-keygen -Y sign -f ~/.ssh/id_ed25519 -n ${SIGNOFF_NAMESPACE} < ${req.role}.msg > ${req.role}.sig`);
}

export const OPTIONS = {
  step: { type: 'string' },
  role: { type: 'string' },
  principal: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

export async function main(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('signoff', args, OPTIONS);
  if (values.help) {
    io.out(HELP);
    return EXIT.ok;
  }
  if (positionals[0] !== 'request' || positionals.length !== 2) throw new InputError('signoff: the form is `cutover signoff request <bundle-dir> --step ID --role ROLE`', 'run `cutover signoff --help`');
  const bundle = positionals[1]!;
  const view = readBundle(bundle);
  const { step, role } = signoffStep(view, values.step, values.role, 'signoff request');
  const signed = view.state.signatures.find((s) => s.step === step.id && s.role === role && !s.voidedBy);
  if (signed) {
    io.out(`${role} has signed "${step.id}" already (${signed.name} at ${signed.at}); nothing to request.`);
    return EXIT.ok;
  }
  const allowed = view.runbook.signers?.roles[role] ?? [];
  const wanted = values.principal;
  if (wanted !== undefined && !allowed.includes(wanted)) throw new InputError(`${bundle}: principal "${wanted}" may not sign for role ${role}`, `the runbook allows: ${allowed.join(', ')}`);
  const existing = currentRequest(view, step.id, role);
  if (existing && (wanted === undefined || existing.principal === wanted)) {
    printRequest(io, bundle, existing, allowed);
    return EXIT.ok;
  }
  let session: Session;
  try {
    session = Session.resume(bundle);
  } catch (err) {
    if (err instanceof InputError && /in use|running|open in/i.test(err.message)) {
      if (wanted !== undefined && existing) io.err(`${bundle}: the run holding the bundle requested the sign-off of ${role} on "${step.id}" in the name of ${existing.principal}; a request in the name of ${wanted} needs the run paused.\nhint: pause the run (q on its screen, Ctrl-C), then run this again; or sign as ${existing.principal}`);
      else io.err(`${bundle}: the run holding the bundle has not requested the sign-off of ${role} on "${step.id}" yet; it writes the request itself when it reaches the step.\nhint: wait until its screen or log shows the request, then run \`${commandName()} signoff request ${bundle} --step ${step.id} --role ${role}\` again`);
      return EXIT.paused;
    }
    throw err;
  }
  try {
    const r = session.signoffs.request(step.id, role, wanted);
    if (!r.ok) throw new InputError(`${bundle}: ${r.reasons.join('; ')}`, r.hint);
    await session.writeSummaries();
    printRequest(io, bundle, r.request!, allowed);
    return EXIT.ok;
  } finally {
    session.release();
  }
}
