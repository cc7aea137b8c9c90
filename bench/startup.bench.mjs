// `cutover --version` and `cutover --help` against `node -e 0`: the cost of
// starting the CLI (Ink must not be loaded on these paths). Goal ≤ 1.5×.
import { cli, median, timed } from './lib.mjs';

export async function run() {
  const rounds = 15;
  const base = [];
  const version = [];
  for (let i = 0; i < rounds; i++) {
    base.push((await timed(process.execPath, ['-e', '0'])).ms);
    version.push((await timed(process.execPath, [cli, '--version'])).ms);
  }
  const b = median(base);
  const v = median(version);
  return [
    { name: 'startup: cutover --version vs node -e 0', ratio: v / b, goal: 1.5, pass: v / b <= 1.5, detail: `${v.toFixed(0)} ms vs ${b.toFixed(0)} ms (median of ${rounds})` },
  ];
}
