// Process lifecycle: timeouts, cancellation and leftovers are handled for the
// whole process group, and nothing the command started survives the attempt.

import { writeFileSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { killAllRunning, runCommand, type OutputChunk, type RunOptions } from '../../src/runner/index.js';
import { captureFiles, isLive, killQuietly, liveMembersOfGroup, node, useTempDirs } from './helpers.js';

const tempDir = useTempDirs();

/** Run options that call `act` once `marker` shows up in the live output. */
function onceOutputShows(marker: string, act: () => void): Pick<RunOptions, 'onOutput'> {
  let seen = '';
  let done = false;
  return {
    onOutput: (chunk: OutputChunk) => {
      seen += chunk.text;
      if (!done && seen.includes(marker)) {
        done = true;
        act();
      }
    },
  };
}

describe('timeout and cancellation', () => {
  it('times out a command that never ends, killing its whole group', async () => {
    const dir = await tempDir();
    const result = await runCommand(
      { shellCommand: 'sleep 1000 & sleep 1000', cwd: dir, timeoutMs: 300, killGraceMs: 3000 },
      captureFiles(dir),
      { secrets: [] },
    );
    expect(result).toMatchObject({ outcome: 'timed-out', signal: 'SIGTERM', exitCode: null });
    // SIGTERM ended the group: no SIGKILL after the grace was needed.
    expect(result.warnings.join('\n')).not.toContain('SIGKILL');
    expect(liveMembersOfGroup(result.pid as number)).toEqual([]);
  });

  it('escalates to SIGKILL after the grace period when the group ignores SIGTERM', async () => {
    const dir = await tempDir();
    const controller = new AbortController();
    const result = await runCommand(
      // `sleep` inherits the ignored TERM, so both processes ignore it
      { shellCommand: "trap '' TERM; echo ready; sleep 1000; echo unreachable", cwd: dir, killGraceMs: 500 },
      captureFiles(dir),
      { secrets: [], signal: controller.signal, ...onceOutputShows('ready', () => controller.abort()) },
    );
    expect(result).toMatchObject({ outcome: 'cancelled', signal: 'SIGKILL', tail: ['ready'] });
    expect(result.warnings.join('\n')).toContain('ignored SIGTERM for 500 ms');
    expect(liveMembersOfGroup(result.pid as number)).toEqual([]);
  });

  it('cancels through an AbortSignal', async () => {
    const dir = await tempDir();
    const controller = new AbortController();
    const result = await runCommand(
      { shellCommand: 'echo ready; exec sleep 1000', cwd: dir },
      captureFiles(dir),
      { secrets: [], signal: controller.signal, ...onceOutputShows('ready', () => controller.abort()) },
    );
    expect(result).toMatchObject({ outcome: 'cancelled', signal: 'SIGTERM', tail: ['ready'] });
    expect(result.warnings.join('\n')).not.toContain('SIGKILL');
  });

  it('does not start a command whose signal is already aborted', async () => {
    const dir = await tempDir();
    const marker = join(dir, 'ran');
    const result = await runCommand({ argv: ['touch', marker], cwd: dir }, captureFiles(dir), {
      secrets: [],
      signal: AbortSignal.abort(),
    });
    expect(result).toMatchObject({ outcome: 'cancelled', pid: null, exitCode: null });
    await expect(access(marker)).rejects.toThrow();
  });

  it('killAllRunning SIGKILLs the groups still running', async () => {
    const dir = await tempDir();
    const result = await runCommand(
      { shellCommand: 'sleep 1000 & echo ready; wait', cwd: dir },
      captureFiles(dir),
      { secrets: [], ...onceOutputShows('ready', () => killAllRunning()) },
    );
    expect(result).toMatchObject({ outcome: 'signaled', signal: 'SIGKILL' });
    expect(liveMembersOfGroup(result.pid as number)).toEqual([]);
  });

  it('reports pid through onStart before the command ends', async () => {
    const dir = await tempDir();
    let startedPid: number | undefined;
    let aliveAtStart = false;
    // The command ends only once onStart has looked at it (no race with a sleep).
    const result = await runCommand({ shellCommand: 'while [ ! -e seen ]; do sleep 0.02; done', cwd: dir }, captureFiles(dir), {
      secrets: [],
      onStart: ({ pid }) => {
        startedPid = pid;
        aliveAtStart = isLive(pid);
        writeFileSync(join(dir, 'seen'), '');
      },
    });
    expect(startedPid).toBe(result.pid);
    expect(aliveAtStart).toBe(true);
  });
});

describe('processes left behind', () => {
  it('kills a background job that keeps the output pipe open after the command exits', async () => {
    const dir = await tempDir();
    const result = await runCommand(
      { shellCommand: 'sleep 1000 & echo started', cwd: dir },
      captureFiles(dir),
      { secrets: [] },
    );
    expect(result).toMatchObject({ outcome: 'exited', exitCode: 0, tail: ['started'] });
    expect(result.warnings.join('\n')).toContain('left running');
    // The pipe the job held closed with its group: no wait for an escaped process.
    expect(result.warnings.join('\n')).not.toContain('outside the command');
    expect(liveMembersOfGroup(result.pid as number)).toEqual([]);
  });

  it('kills a detached-from-stdio grandchild in the same group, with SIGKILL if it ignores SIGTERM', async () => {
    const dir = await tempDir();
    const ready = join(dir, 'grandchild-ready');
    // The grandchild ignores SIGTERM and says so through a file (its stdio is
    // closed); the parent exits only then, leaving it behind.
    const grandchild = `process.on('SIGTERM', () => {});
      require('fs').writeFileSync(${JSON.stringify(ready)}, '');
      setInterval(() => {}, 1000);`;
    const parent = `const { spawn } = require('child_process');
      const fs = require('fs');
      const child = spawn(process.execPath, ['-e', ${JSON.stringify(grandchild)}], { stdio: 'ignore' });
      child.unref();
      console.log(child.pid);
      while (!fs.existsSync(${JSON.stringify(ready)})) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);`;
    const result = await runCommand({ argv: node(parent), cwd: dir, killGraceMs: 300 }, captureFiles(dir), {
      secrets: [],
    });
    const grandchildPid = Number(result.tail[0]);
    try {
      expect(result).toMatchObject({ outcome: 'exited', exitCode: 0 });
      expect(grandchildPid).toBeGreaterThan(0);
      expect(isLive(grandchildPid)).toBe(false);
      expect(liveMembersOfGroup(result.pid as number)).toEqual([]);
      expect(result.warnings.join('\n')).toContain('SIGKILL');
    } finally {
      killQuietly(grandchildPid);
    }
  });

  it('stops waiting for a pipe held open by a process that left the group and dropped its marker', async () => {
    const dir = await tempDir();
    // setsid-style escape: a new session, stdout still inherited, and an
    // environment without CUTOVER_ATTEMPT, so nothing says it is the command's
    // (test/runner/escapees.test.ts: what keeps the marker is stopped).
    const parent = `const { spawn } = require('child_process');
      const child = spawn('sleep', ['1000'], { detached: true, env: {}, stdio: ['ignore', 'inherit', 'ignore'] });
      child.unref();
      console.log(child.pid);`;
    const result = await runCommand({ argv: node(parent), cwd: dir }, captureFiles(dir), { secrets: [] });
    const escapedPid = Number(result.tail[0]);
    try {
      expect(result).toMatchObject({ outcome: 'exited', exitCode: 0 });
      expect(result.warnings.join('\n')).toContain('outside the command');
      expect(isLive(escapedPid)).toBe(true); // not provably ours: it left the session and the environment
    } finally {
      killQuietly(escapedPid);
    }
  });
});
