// `cutover demo --scenario signed`: the demo rehearsal with SSH-signed
// sign-offs (docs/signoffs.md). The copied demo runbook gets a `signers:`
// header naming checklists/demo/signed/allowed_signers, and two demo
// approvers — separate `cutover sign` processes holding the THROWAWAY DEMO
// keys shipped in that directory — sign each text the run requests, as the
// real approvers would from their own machines.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { InputError } from '../shared/errors.js';

export const SIGNED_SCENARIO = 'signed';
export const SIGNED_DESCRIPTION = 'Joint sign-off SSH-signed by two demo approvers (throwaway DEMO keys); GO unlocks once both verify.';

const STEP = 'joint-signoff';

export interface DemoApprover {
  role: string;
  principal: string;
  key: string;
}

/** Makes the prepared demo copy in `workDir` a signed one; returns its demo approvers. */
export async function makeSignedDemo(workDir: string): Promise<DemoApprover[]> {
  // The YAML parser is loaded here, not with the demo command (which starts its sandbox before loading the rest).
  // (Bundled, the dynamic import's namespace may hold the CommonJS module under `default`.)
  const yaml = await import('yaml');
  const { parse, stringify } = typeof yaml.parse === 'function' ? yaml : yaml.default;
  const dir = join(workDir, 'signed');
  const approvers: DemoApprover[] = [
    { role: 'producer_approver', principal: 'priya.raman@producer.demo.invalid', key: join(dir, 'demo-producer-approver_ed25519') },
    { role: 'consumer_approver', principal: 'tomas.alvarez@consumer.demo.invalid', key: join(dir, 'demo-consumer-approver_ed25519') },
  ];
  for (const a of approvers) {
    if (!existsSync(a.key)) throw new InputError(`the demo key ${a.key} is missing`, 'reinstall the package; checklists/demo/signed is part of it');
    chmodSync(a.key, 0o600); // ssh-keygen refuses a private key others can read
  }
  const runbook = join(workDir, 'demo.yaml');
  const text = readFileSync(runbook, 'utf8');
  const header = ['signers:', '  file: signed/allowed_signers', '  roles:', ...approvers.map((a) => `    ${a.role}: [${a.principal}]`), ''].join('\n');
  if (!/^sections:/m.test(text)) throw new InputError(`${runbook}: no top-level sections: to put signers: before`, 'reinstall the package');
  writeFileSync(runbook, text.replace(/^sections:/m, `${header}sections:`));
  const answersFile = join(workDir, 'answers.yaml');
  const answers = (parse(readFileSync(answersFile, 'utf8')) ?? {}) as { answers?: Record<string, unknown> };
  // The run waits for the two demo approvers' signatures instead of typed names.
  answers.answers = { ...(answers.answers ?? {}), [STEP]: Object.fromEntries(approvers.map((a) => [a.role, { wait: true }])) };
  writeFileSync(answersFile, stringify(answers));
  return approvers;
}

/**
 * The demo approvers: each text the run requests (signoffs/joint-signoff/<role>.msg)
 * is signed once by a `cutover sign` process of its own, with the demo key.
 */
export function startDemoApprovers(bundleDir: string, approvers: DemoApprover[], log: (line: string) => void): { stop(): void } {
  const signed = new Set<string>();
  const tick = () => {
    for (const a of approvers) {
      const msg = join(bundleDir, 'signoffs', STEP, `${a.role}.msg`);
      if (!existsSync(msg)) continue;
      const key = `${a.role}:${createHash('sha256').update(readFileSync(msg)).digest('hex')}`;
      if (signed.has(key)) continue;
      signed.add(key);
      log(`  demo approver ${a.principal} signs with the DEMO key: cutover sign <bundle> --step ${STEP} --role ${a.role} --key ${a.key}`);
      const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, 'sign', bundleDir, '--step', STEP, '--role', a.role, '--key', a.key], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
      let err = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      child.on('close', (code) => {
        if (code !== 0) log(`  demo approver ${a.principal} could not sign (exit ${code}): ${err.trim().split('\n')[0] ?? ''}`);
      });
    }
  };
  const timer = setInterval(tick, 200);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
