// Shared bench helpers: timing child processes, medians, peak RSS.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const cli = join(root, 'dist', 'cli.js');

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Runs a command to completion; returns wall ms and the peak RSS (VmHWM, kB) seen by polling /proc. */
export function timed(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...(opts.env ?? {}) };
    delete env.CI;
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd: opts.cwd, env, stdio: ['ignore', opts.stdout ?? 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    let peakKb = 0;
    const poll = opts.rss
      ? setInterval(() => {
          try {
            const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            if (m) peakKb = Math.max(peakKb, Number(m[1]));
          } catch {
            // process already gone
          }
        }, 20)
      : undefined;
    child.on('error', reject);
    child.on('close', (code) => {
      if (poll) clearInterval(poll);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0 && !opts.allowFail) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr.slice(0, 500)}`));
      else resolve({ ms, peakKb, code });
    });
  });
}

/** A rehearsal runbook of one section with the given steps (YAML flow mappings, one a line). */
export function benchRunbook(id, title, steps) {
  return `format: cutover-runbook/v1
id: ${id}
title: ${title}
version: "1"
modes: [rehearsal]
baseline: { release_tag: v1, commit: ${'a'.repeat(40)} }
target: { release_tag: v2, commit: ${'b'.repeat(40)} }
roles: [{ id: captain, title: Captain, side: joint }]
sections:
  - id: s
    title: Output
    steps:
${steps.map((step) => `      - ${step}`).join('\n')}
`;
}
