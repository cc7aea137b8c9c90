// How long, in words a responder reads at a glance: the one formatter of
// spans behind the report, the drill metrics, the plain log and the ETAs.

/**
 * 95 seconds → `01:35` (mm:ss); from an hour on, h:mm:ss (`1:37:00`,
 * `23:59:44`); unsigned (the words say early or late). Whole seconds floored
 * as every countdown (etaSpan, the screen); `round`: as deadline rules 1
 * rendered them (drill-legacy.ts).
 */
export function mmss(ms: number, round = false): string {
  const s = (round ? Math.round : Math.floor)(Math.abs(ms) / 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return s < 3600 ? `${two(Math.floor(s / 60))}:${two(s % 60)}` : `${Math.floor(s / 3600)}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`;
}
