// The release pins held against the repository: in every checkout a step
// pins to the baseline or target commit, each pin's release_tag must exist
// and point to the pin's commit. A tag that points elsewhere (or is not
// there) means the runbook pins a commit the release is not — no gate run
// on it is evidence about the release, and the rollback target may be the
// wrong one. Found by the preflight (`plan`, and `run` before its first
// step); a cutover does not start, a rehearsal journals it and its GO stays
// locked (engine/gates.ts, rule `pin`).
import { execFileSync } from 'node:child_process';
import { InputError } from '../shared/errors.js';
import { positionOf, readRunbookSource } from './source.js';
import type { Mode, Pin, Runbook } from './types.js';

/** A release pin the repository disagrees with. */
export interface PinDisagreement {
  pin: 'baseline' | 'target';
  tag: string;
  /** The pin's commit (after var substitution). */
  pinned: string;
  /** The commit the tag points to; null when the tag does not exist there (or could not be read). */
  actual: string | null;
  /** The checkout the tag was looked up in. */
  checkout: string;
}

export interface PinProblem {
  step?: string;
  message: string;
  hint: string;
  pin: PinDisagreement;
}

const SHA = /^[0-9a-f]{40}$/;

/**
 * On cutover day a release pin the repository does not confirm stops the
 * run before it starts (exit 2, nothing written): every gate would run on a
 * commit that is not the release, and the rollback target may be wrong. A
 * rehearsal starts, journals the disagreement and keeps its GO locked.
 */
export function refuseUnconfirmedPins(mode: Mode, problems: readonly { message: string; hint: string; pin?: PinDisagreement }[], runbookPath: string): void {
  const pins = problems.filter((p) => p.pin);
  if (mode !== 'cutover' || pins.length === 0) return;
  // Each disagreement at the pin it is about (file:line:col of its commit).
  const read = readRunbookSource(runbookPath);
  const at = (which: 'baseline' | 'target') => {
    if (!read.ok) return '';
    const { line, col } = positionOf(read.source, [which, 'commit']);
    return `${runbookPath}:${line}:${col} (${which}.commit): `;
  };
  throw new InputError(
    `${runbookPath}: the repository does not confirm the release pins, so the cutover does not start:\n${pins.map((p) => `  - ${at(p.pin!.pin)}${p.message}`).join('\n')}`,
    `${[...new Set(pins.map((p) => p.hint))].join('\n        ')}\n        (\`cutover plan\` shows the same check; a rehearsal runs with the disagreement journaled and its GO locked)`,
  );
}

/** Whether a step pinned to `commit` runs on a checkout of the release (its commit is the baseline's or the target's). */
export function pinsRelease(commit: string, pins: { baseline: Pin; target: Pin }): boolean {
  return SHA.test(commit) && (commit === pins.baseline.commit || commit === pins.target.commit);
}

/** Each pin's tag resolved in the git checkout `cwd`; one problem per tag that is missing or points elsewhere, the tags at their pins added to `confirmed`. */
export function checkPinTags(cwd: string, runbook: Runbook, pins: { baseline: Pin; target: Pin }, runbookFile: string, step?: string, confirmed: string[] = []): PinProblem[] {
  const out: PinProblem[] = [];
  for (const which of ['baseline', 'target'] as const) {
    const { release_tag: tag, commit: pinned } = pins[which];
    // A pin still holding a `${var}` (no value) is the var's problem, reported as such.
    if (!SHA.test(pinned) || !tag || tag.includes('${')) continue;
    const found = resolveTag(cwd, tag);
    if (found.sha === pinned) {
      confirmed.push(tag);
      continue;
    }
    const pin: PinDisagreement = { pin: which, tag, pinned, actual: found.sha ?? null, checkout: cwd };
    const fixPin = pinFix(runbook, which, found.sha, runbookFile);
    if (found.error) {
      out.push({ step, pin, message: `cannot tell what release tag ${tag} (${which}) points to in ${cwd}: ${found.error}`, hint: `fix what stops \`git -C ${cwd} rev-parse ${tag}\`: an unconfirmed ${which} pin blocks a GO, and a cutover does not start` });
    } else if (!found.sha) {
      out.push({
        step,
        pin,
        message: `release tag ${tag} (${which}) does not exist in ${cwd}; the ${which} pin says it is commit ${pinned}`,
        hint: `fetch the tags (git -C ${cwd} fetch --tags), or create ${tag} at ${pinned}; if the release has another tag, correct ${which}.release_tag in ${runbookFile}`,
      });
    } else {
      out.push({
        step,
        pin,
        message: `release tag ${tag} (${which}) points to ${found.sha} in ${cwd}, not to the pinned ${which} commit ${pinned} (${describeCommit(cwd, pinned)})`,
        hint: `if ${tag} is the release, ${fixPin}; if ${pinned} is, retag it (git tag -f ${tag} ${pinned}, and push the tag)`,
      });
    }
  }
  return out;
}

/** How to make the pin name the tag's commit: a --var when the pin is one, else an edit of the runbook. */
function pinFix(runbook: Runbook, which: 'baseline' | 'target', actual: string | undefined, runbookFile: string): string {
  const raw = String(runbook[which].commit);
  const v = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(raw);
  const sha = actual ?? '<sha>';
  if (v) return `pass --var ${v[1]}=${sha}`;
  return `set ${which}.commit to ${sha} in ${runbookFile} (or declare a var and write commit: \${${which}_commit}, then pass --var ${which}_commit=${sha})`;
}

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 }).trim();
}

/** The commit a tag points to (annotated tags peeled); no sha and no error: the tag does not exist. */
function resolveTag(cwd: string, tag: string): { sha?: string; error?: string } {
  try {
    return { sha: git(cwd, ['rev-parse', '--verify', '--quiet', `refs/tags/${tag}^{commit}`]) };
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { status?: number | null; stderr?: string };
    // --quiet: a name that does not resolve exits 1 and says nothing.
    if (e.status === 1 && !String(e.stderr ?? '').trim()) return {};
    return { error: e.code === 'ETIMEDOUT' ? 'git did not answer within 10 s' : (String(e.stderr ?? '').split('\n')[0] ?? '').trim() || e.message };
  }
}

/** What the repository says about the pinned commit: the tags on it, or that it has none or is not there. */
function describeCommit(cwd: string, sha: string): string {
  try {
    if (!git(cwd, ['cat-file', '-t', sha]).startsWith('commit')) return `${sha.slice(0, 7)} is not a commit in this repository`;
  } catch {
    return `${sha.slice(0, 7)} is not in this repository`;
  }
  try {
    const tags = git(cwd, ['tag', '--points-at', sha]).split('\n').filter(Boolean);
    return tags.length ? `${sha.slice(0, 7)} is tagged ${tags.join(', ')} here` : `${sha.slice(0, 7)} has no tag here`;
  } catch {
    return `the tags of ${sha.slice(0, 7)} could not be read`;
  }
}
