// The output hub batches by its clock, never per chunk: however many chunks
// arrive between two ticks, one flush carries the last lines, and a tick
// with nothing new costs nothing. The hub's own timer is driven by vitest's
// fake timers, so the counts below do not depend on how busy the machine is
// (test/session/conductor.test.ts runs it with a real command).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OutputHub, OUTPUT_HUB_DEFAULTS, type OutputFlush } from '../../src/session/output-hub.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
});
afterEach(() => {
  vi.useRealTimers();
});

const chunk = (from: number, count: number) => Buffer.from(Array.from({ length: count }, (_, k) => `line ${from + k}\n`).join(''));

describe('output hub', () => {
  it('notifies once per tick with new output, whatever the number of chunks, and once more when the attempt ends', () => {
    const flushes: OutputFlush[] = [];
    const hub = new OutputHub((f) => flushes.push(f));
    const tail = hub.open('build', 1);

    // 20 chunks of 200 lines between two ticks: no notification yet, then one.
    for (let c = 0; c < 20; c++) tail.push(chunk(c * 200, 200));
    expect(flushes).toEqual([]);
    vi.advanceTimersByTime(OUTPUT_HUB_DEFAULTS.intervalMs);
    expect(flushes).toHaveLength(1);
    expect(flushes[0]).toMatchObject({ step: 'build', attempt: 1, done: false, bytes: tail.bytes });
    expect(flushes[0]!.lines).toHaveLength(OUTPUT_HUB_DEFAULTS.lines);
    expect(flushes[0]!.lines.at(-1)).toBe('line 3999');

    // Ticks with nothing new: nothing.
    vi.advanceTimersByTime(10 * OUTPUT_HUB_DEFAULTS.intervalMs);
    expect(flushes).toHaveLength(1);

    // One more chunk: one more flush at the next tick.
    tail.push(chunk(4000, 1));
    vi.advanceTimersByTime(OUTPUT_HUB_DEFAULTS.intervalMs);
    expect(flushes).toHaveLength(2);
    expect(flushes[1]!.lines.at(-1)).toBe('line 4000');

    // The end: a last flush (done) at once, and the clock stops.
    hub.end('build', 1);
    expect(flushes).toHaveLength(3);
    expect(flushes[2]).toMatchObject({ done: true, bytes: tail.bytes });
    expect(vi.getTimerCount()).toBe(0);
  });
});
