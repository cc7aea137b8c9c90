// Which log file shows a step's output: the running attempt's (combined
// view once both streams wrote, else the one stream that did), or the
// latest finished attempt's combined log or check report.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunState } from '../../engine/fold.js';
import { attemptDir } from '../../evidence/bundle.js';
import type { Activity } from '../../session/notifications.js';

export function logFileFor(bundleDir: string, run: RunState, activity: Activity, step: string): string | undefined {
  const running = activity.running?.step === step ? activity.running : undefined;
  if (running) {
    const dir = attemptDir(bundleDir, step, running.attempt);
    const sizes = ['combined.log', 'stdout.log', 'stderr.log'].map((f) => ({ f: join(dir, f), size: sizeOf(join(dir, f)) }));
    return (sizes.find((s) => s.size > 0) ?? sizes[0])!.f;
  }
  const a = run.steps[step]?.attempts.at(-1);
  const rec = a?.result?.combined ?? a?.check?.report;
  return rec ? join(bundleDir, rec.file) : undefined;
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return -1;
  }
}
