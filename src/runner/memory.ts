// Bounded memory while a command floods its pipes. Every pipe read is a
// fresh 64 KiB buffer that dies at once, but V8 only collects the young
// generation when it is full (16 MiB semi-spaces by default), and the buffers
// themselves live outside its heap: at 1 GB of output the garbage held
// the process at ~100 MB RSS. A minor collection every few megabytes of
// output keeps it near the process's resting size, for about 6 ms per 200 MB.
//
// The collector is reached through the flag --expose-gc, set at run time
// only while `gc` is taken from a fresh context. Node warns that flags set
// after start-up may misbehave; this is the technique jest-leak-detector has
// long relied on, and a test checks it works on the supported Node. Where it
// is not available, nothing is collected early and only the memory figure
// suffers.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Collect = (options: { type: 'minor' | 'major' }) => void;

/** Output bytes between two collections. */
const COLLECT_EVERY_BYTES = 8 * 1024 * 1024;

let collect: Collect | null | undefined;

function collector(): Collect | null {
  if (collect !== undefined) return collect;
  try {
    // As jest-leak-detector does: expose gc just long enough to take it from
    // a fresh context, then turn the flag off again so no later context gets
    // a global `gc`.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    setFlagsFromString('--no-expose-gc');
    collect = typeof gc === 'function' ? (gc as Collect) : null;
  } catch {
    collect = null;
  }
  return collect;
}

/** Whether this Node lets the capture collect early (else only the memory figure suffers). */
export function canCollectEarly(): boolean {
  return collector() !== null;
}

/** Counts output bytes and collects the young generation every COLLECT_EVERY_BYTES. */
export class GarbagePacer {
  private since = 0;

  add(bytes: number): void {
    this.since += bytes;
    if (this.since < COLLECT_EVERY_BYTES) return;
    this.since = 0;
    collector()?.({ type: 'minor' });
  }
}
