// Glyphs, words and colours of the screen. Every state has a glyph and a
// word, so a monochrome terminal or NO_COLOR (https://no-color.org) loses
// nothing; colour only adds emphasis.
import type { StepStatus } from '../engine/fold.js';

/** NO_COLOR is set (and not empty). Read at each call, not once per process: an in-process caller may change it. */
export function noColor(): boolean {
  return process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
}

/** A colour name Ink understands, or undefined under NO_COLOR. */
export function tint(color: string): string | undefined {
  return noColor() ? undefined : color;
}

/** How a step row looks: its glyph, word and colour. */
export interface StatusLook {
  glyph: string;
  word: string;
  color: string;
}

export const STATUS: Record<StepStatus | 'blocked' | 'cancelled', StatusLook> = {
  pending: { glyph: '·', word: 'pending', color: 'gray' },
  running: { glyph: '▶', word: 'running', color: 'cyan' },
  passed: { glyph: '✓', word: 'passed', color: 'green' },
  failed: { glyph: '✗', word: 'FAILED', color: 'red' },
  skipped: { glyph: '⊘', word: 'waived', color: 'yellow' },
  interrupted: { glyph: '!', word: 'interrupted', color: 'magenta' },
  cancelled: { glyph: '■', word: 'cancelled', color: 'magenta' },
  blocked: { glyph: '◌', word: 'locked', color: 'gray' },
  'not-in-mode': { glyph: '–', word: 'not in this mode', color: 'gray' },
  'not-run': { glyph: '↷', word: 'not run', color: 'yellow' },
};

export const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** The mode badge: impossible to miss, in colour or without. */
export function badge(rehearsal: boolean): { text: string; color: string } {
  return rehearsal ? { text: ' REHEARSAL ', color: 'yellow' } : { text: ' CUTOVER — LIVE ', color: 'red' };
}

export const TONE: Record<'info' | 'ok' | 'error' | 'warn', string> = { info: 'cyan', ok: 'green', error: 'red', warn: 'yellow' };
