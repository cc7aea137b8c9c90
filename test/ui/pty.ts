// The real `cutover` in a real pseudo-terminal: node-pty runs dist/cli.js
// (built by `npm test`), @xterm/headless turns what it writes into the
// screen a user would see. CI is removed from the child's environment (Ink
// draws nothing live when it is set).
import xterm from '@xterm/headless';
import { spawn, type IPty } from 'node-pty';
import { DIST } from '../helpers/cli.js';

export interface Pty {
  pty: IPty;
  /** Every byte written, as text (for terminal-mode checks). */
  raw(): string;
  /** The screen as lines (trailing spaces trimmed). */
  screen(): string[];
  text(): string;
  write(data: string): void;
  resize(columns: number, rows: number): void;
  /** Waits until the screen shows `what` (a string or a test of the text). */
  waitFor(what: string | ((text: string) => boolean), timeoutMs?: number): Promise<void>;
  exited: Promise<{ exitCode: number; signal?: number }>;
  kill(signal?: string): void;
}

export function startPty(args: string[], opts: { cwd: string; columns?: number; rows?: number; env?: Record<string, string | undefined> }): Pty {
  const columns = opts.columns ?? 80;
  const rows = opts.rows ?? 24;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, TERM: 'xterm-256color', ...opts.env })) if (v !== undefined && k !== 'CI') env[k] = v;
  const term = new xterm.Terminal({ cols: columns, rows, allowProposedApi: true });
  const pty = spawn(process.execPath, [DIST, ...args], { name: 'xterm-256color', cols: columns, rows, cwd: opts.cwd, env });
  let raw = '';
  pty.onData((d) => {
    raw += d;
    term.write(d);
  });
  const exited = new Promise<{ exitCode: number; signal?: number }>((resolve) => pty.onExit(resolve));
  // xterm applies writes asynchronously: read the screen after it has caught up.
  const settle = () => new Promise<void>((resolve) => term.write('', resolve));
  const screen = () => {
    const b = term.buffer.active;
    return Array.from({ length: term.rows }, (_, i) => b.getLine(b.viewportY + i)?.translateToString(true) ?? '');
  };
  return {
    pty,
    raw: () => raw,
    screen,
    text: () => screen().join('\n'),
    write: (data) => pty.write(data),
    resize: (c, r) => {
      pty.resize(c, r);
      term.resize(c, r);
    },
    waitFor: async (what, timeoutMs = 20_000) => {
      const test = typeof what === 'string' ? (t: string) => t.includes(what) : what;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await settle();
        const text = screen().join('\n');
        if (test(text)) return;
        if (Date.now() > deadline) throw new Error(`the screen never showed ${typeof what === 'string' ? JSON.stringify(what) : 'what was awaited'}; it shows:\n${text}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    exited,
    kill: (signal = 'SIGTERM') => pty.kill(signal),
  };
}
