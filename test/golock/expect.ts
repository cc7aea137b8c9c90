// The four facts every refused GO must show (DESIGN §6): (a) no GO was
// recorded, (b) the reason is given in words, (c) the refusal and its
// reasons are in the journal, (d) the bundle still verifies — a refused GO is
// valid evidence, not tampering.
import { expect } from 'vitest';
import type { CliResult } from '../helpers/cli.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { eventsOf, readEvents } from '../fixtures/engine/scenario.js';

export interface RefusedGo {
  bundle: string;
  /** The CLI run that asked for the GO; its exit code and stdout are checked too. */
  result?: CliResult;
  /** What Session.decide returned, for runs driven through the Session API. */
  decided?: { ok: true } | { ok: false; reasons: string[] };
  /** The option that was refused. */
  option?: string;
}

export async function expectRefusedGo(run: RefusedGo, fragment: string): Promise<void> {
  const events = readEvents(run.bundle);
  // (a) refused: exit 1 and no GO in the journal.
  if (run.result) expect(run.result.code, run.result.stdout + run.result.stderr).toBe(1);
  expect(eventsOf(events, 'decision.recorded').filter((e) => e.go)).toEqual([]);
  // (b) the reason in words, where the operator sees it.
  if (run.result) {
    expect(run.result.stdout).toContain('REFUSED, the GO lock holds:');
    expect(run.result.stdout).toContain(fragment);
  }
  if (run.decided) {
    expect(run.decided.ok).toBe(false);
    expect(run.decided.ok ? [] : run.decided.reasons).toEqual(expect.arrayContaining([expect.stringContaining(fragment)]));
  }
  // (c) the refusal with that reason is journaled.
  const refusals = eventsOf(events, 'decision.refused').filter((e) => run.option === undefined || e.option === run.option);
  expect(refusals.length).toBeGreaterThan(0);
  expect(refusals.flatMap((r) => r.reasons)).toEqual(expect.arrayContaining([expect.stringContaining(fragment)]));
  // (d) the bundle is valid evidence.
  const verified = await cliInProcess(['verify', run.bundle]);
  expect(verified.code, verified.stdout + verified.stderr).toBe(0);
  expect(verified.stdout).toContain('OK —');
}

/** A GO that was accepted: exit 0, the GO recorded, no refusal, and a bundle that verifies with outcome GO. */
export async function expectAcceptedGo(bundle: string, result: CliResult | undefined, option: string): Promise<void> {
  if (result) expect(result.code, result.stdout + result.stderr).toBe(0);
  const events = readEvents(bundle);
  expect(eventsOf(events, 'decision.refused')).toEqual([]);
  const decisions = eventsOf(events, 'decision.recorded');
  expect(decisions.map((d) => [d.option, d.go])).toEqual([[option, true]]);
  const verified = await cliInProcess(['verify', bundle]);
  expect(verified.code, verified.stdout + verified.stderr).toBe(0);
  expect(verified.stdout).toContain('outcome GO');
}
