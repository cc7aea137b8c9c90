// The Journal on real files: every append is on disk before append()
// returns, the hash chain links each event to the previous one, reopening
// continues the chain, a torn last line is cut off (and reported), and
// canonical JSON is stable whatever the key order.
import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventBody, JournalEvent } from '../../src/engine/events.js';
import { canonical, chainHash, GENESIS } from '../../src/evidence/canonical.js';
import { Journal, JournalCorruptError, readJournal } from '../../src/evidence/journal.js';
import { cli } from '../helpers/cli.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { eventsOf, readEvents, runPlain, tempDir } from '../fixtures/engine/scenario.js';

const STARTED: EventBody = {
  type: 'run.started',
  run_id: 'unit@2026-01-01T00:00:00.000Z',
  rehearsal: true,
  mode: 'rehearsal',
  operator: 'Olga Operator',
  runbook: { id: 'unit', title: 'Unit', version: '1', file: '/nowhere/unit.yaml', sha256: 'a'.repeat(64) },
  baseline: { release_tag: 'v0.3.2', commit: 'cf331449e1589581a5dcbb3adecd3e9ae4509277' },
  target: { release_tag: 'v0.4.0', commit: '7e4806a34b98e6c06ee33fa9f11499a975e7b922' },
  vars: {},
  host: 'test',
  cutover_version: '0.0.0',
};
const confirmed = (step: string): EventBody => ({ type: 'step.confirmed', step, by: 'Olga Operator', statement: 'attested' });
const T0 = new Date('2026-01-01T00:00:00.000Z');

function lines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean);
}

describe('Journal', () => {
  it('appends hash-chained events that are on disk when append() returns', () => {
    const path = join(tempDir(), 'journal.ndjson');
    const journal = Journal.create(path);
    try {
      const first = journal.append(STARTED, T0);
      // Durable before return: another reader sees the complete line now.
      expect(lines(path)).toEqual([JSON.stringify(first)]);
      const second = journal.append(confirmed('rc'), new Date(T0.getTime() + 1000));
      expect(lines(path)).toHaveLength(2);
      expect(readFileSync(path, 'utf8').endsWith('\n')).toBe(true);

      expect(first).toMatchObject({ seq: 1, at: '2026-01-01T00:00:00.000Z', prev: GENESIS });
      expect(second).toMatchObject({ seq: 2, at: '2026-01-01T00:00:01.000Z', prev: first.hash });
      // hash = sha256(prev + canonical(event without hash)), computed independently here.
      const { hash, ...rest } = second;
      expect(hash).toBe(createHash('sha256').update(first.hash + canonical(rest)).digest('hex'));
      expect(hash).toBe(chainHash(first.hash, rest as Record<string, unknown>));
      expect(journal.seq).toBe(2);
    } finally {
      journal.close();
    }
  });

  it('reopens a journal and continues its chain', () => {
    const path = join(tempDir(), 'journal.ndjson');
    const journal = Journal.create(path);
    const written = [journal.append(STARTED, T0), journal.append(confirmed('a'), T0), journal.append(confirmed('b'), T0)];
    journal.close();

    const reopened = Journal.open(path);
    try {
      expect(reopened.events).toEqual(written);
      expect(reopened.repairedTailBytes).toBe(0);
      expect(reopened.seq).toBe(3);
      const next = reopened.append(confirmed('c'), T0);
      expect(next).toMatchObject({ seq: 4, prev: written[2]!.hash });
    } finally {
      reopened.close();
    }
    const read = readJournal(path);
    expect(read.problems).toEqual([]);
    expect(read.events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it('never overwrites an existing journal', () => {
    const path = join(tempDir(), 'journal.ndjson');
    Journal.create(path).close();
    expect(() => Journal.create(path)).toThrow(/already exists/);
  });

  it('cuts off a torn last line on open and reports how many bytes it removed', () => {
    const path = join(tempDir(), 'journal.ndjson');
    const journal = Journal.create(path);
    const written = [journal.append(STARTED, T0), journal.append(confirmed('a'), T0)];
    journal.close();
    const intact = statSync(path).size;
    const torn = '{"seq":3,"at":"2026-01-01T00:00:0';
    appendFileSync(path, torn);

    const read = readJournal(path);
    expect(read.problems).toEqual([]);
    expect(read.validBytes).toBe(intact);
    expect(read.totalBytes).toBe(intact + torn.length);

    const reopened = Journal.open(path);
    try {
      expect(reopened.repairedTailBytes).toBe(Buffer.byteLength(torn));
      expect(statSync(path).size).toBe(intact);
      expect(reopened.events).toEqual(written);
      // The next event continues the chain right after the last complete line.
      reopened.append(confirmed('b'), T0);
    } finally {
      reopened.close();
    }
    expect(readJournal(path).problems).toEqual([]);
    expect(lines(path)).toHaveLength(3);
  });

  it('refuses to open a journal whose chain is broken, naming the line', () => {
    const path = join(tempDir(), 'journal.ndjson');
    const journal = Journal.create(path);
    journal.append(STARTED, T0);
    journal.append(confirmed('a'), T0);
    journal.append(confirmed('b'), T0);
    journal.close();
    const [l1, l2, l3] = lines(path);
    const edited = JSON.parse(l2!) as JournalEvent;
    writeFileSync(path, [l1, JSON.stringify({ ...edited, step: 'z' }), l3].join('\n') + '\n');
    let error: unknown;
    try {
      Journal.open(path);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(JournalCorruptError);
    expect((error as JournalCorruptError).problems).toEqual(['line 2 (seq 2, step.confirmed): hash does not match its content (the event was modified)']);
  });

  it('a torn tail makes verify report the incomplete line; resume repairs it and records how much', async () => {
    const run = await runPlain({ answers: (a) => delete a.decide });
    expect(run.result.code, run.result.stdout).toBe(3);
    const journalPath = join(run.bundle, 'journal.ndjson');
    const torn = '{"seq":99,"type":"decision.rec';
    appendFileSync(journalPath, torn);

    const verified = await cliInProcess(['verify', run.bundle]);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain(`${run.bundle}/journal.ndjson: the last ${torn.length} byte(s) are an incomplete line: the run stopped while writing; \`cutover resume\` repairs it`);

    const answers = join(run.dir, 'decide.yaml');
    writeFileSync(answers, 'answers:\n  decide: { option: go-rehearsal }\n');
    const resumed = await cli(['resume', run.bundle, '--plain', '--answers', answers]);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    const events = readEvents(run.bundle);
    expect(eventsOf(events, 'run.resumed').map((e) => e.repaired_tail_bytes)).toEqual([torn.length]);
    expect(readFileSync(journalPath, 'utf8')).not.toContain(torn);
    const again = await cliInProcess(['verify', run.bundle]);
    expect(again.code, again.stdout).toBe(0);
  });
});

describe('canonical JSON', () => {
  it('sorts object keys at every depth and writes no whitespace', () => {
    expect(canonical({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('is the same whatever order the keys were inserted in', () => {
    const one = { seq: 1, type: 'step.confirmed', step: 'rc', by: 'Olga', nested: { b: true, a: null } };
    const two = { nested: { a: null, b: true }, by: 'Olga', step: 'rc', type: 'step.confirmed', seq: 1 };
    expect(canonical(one)).toBe(canonical(two));
    expect(chainHash(GENESIS, one)).toBe(chainHash(GENESIS, two));
  });

  it('drops undefined properties, keeps array positions as null, and escapes strings as JSON', () => {
    expect(canonical({ a: undefined, b: [undefined, 1], c: 'line\n"quoted" ✓' })).toBe('{"b":[null,1],"c":"line\\n\\"quoted\\" ✓"}');
    expect(canonical(null)).toBe('null');
    expect(canonical([])).toBe('[]');
    expect(canonical({})).toBe('{}');
  });

  it('orders keys by code unit, not by locale', () => {
    expect(canonical({ b: 1, B: 2, _: 3, a: 4 })).toBe('{"B":2,"_":3,"a":4,"b":1}');
  });

  it('gives a stable, known chain hash', () => {
    const ev = { seq: 1, at: '2026-01-01T00:00:00.000Z', type: 'run.paused', reason: 'test', prev: GENESIS };
    const text = `${GENESIS}{"at":"2026-01-01T00:00:00.000Z","prev":"${GENESIS}","reason":"test","seq":1,"type":"run.paused"}`;
    expect(chainHash(GENESIS, ev)).toBe(createHash('sha256').update(text).digest('hex'));
  });
});
