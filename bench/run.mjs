// `npm run bench`: every figure is a ratio against a baseline measured in
// the same run on the same machine, so the numbers mean something on any
// hardware. Prints a table and rewrites the results block of
// docs/performance.md.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
// `node bench/run.mjs tui` runs one bench file; `tui:first-frame` (or
// `tui:flood`, `tui:viewer`) only that part of it, where the file has parts.
const selectors = process.argv.slice(2);
const only = selectors.map((s) => s.split(':')[0]);
const partsOf = (name) => selectors.filter((s) => s.startsWith(`${name}:`)).map((s) => s.slice(name.length + 1));

const files = readdirSync(here).filter((f) => f.endsWith('.bench.mjs')).sort();
const results = [];
for (const f of files) {
  const name = f.replace(/\.bench\.mjs$/, '');
  if (only.length && !only.includes(name)) continue;
  process.stderr.write(`bench ${name} …\n`);
  const mod = await import(join(here, f));
  const parts = partsOf(name);
  const out = await mod.run(parts.length ? parts : undefined);
  for (const r of Array.isArray(out) ? out : [out]) {
    r.pass ??= r.ratio !== undefined && r.ratio <= r.goal;
    results.push(r);
    process.stderr.write(`  ${r.name}: ${r.ratio !== undefined ? `${r.ratio.toFixed(2)}×` : ''}${r.value !== undefined ? ` ${r.value} ${r.unit ?? ''}` : ''} (goal ${r.goalText ?? `≤ ${r.goal}×`}) ${r.pass ? 'ok' : 'OVER GOAL'}\n`);
  }
}

const status = (r) => ((r.goal === undefined && !r.unit) || r.goalText?.startsWith('none') ? '—' : r.pass ? 'met' : '**not met**');
const rows = results.map((r) => `| ${r.name} | ${r.ratio !== undefined ? `${r.ratio.toFixed(2)}×` : `${r.value} ${r.unit ?? ''}`} | ${r.goalText ?? `≤ ${r.goal}×`} | ${status(r)} | ${r.detail ?? ''} |`);
const table = ['| benchmark | result | goal | status | detail |', '|---|---|---|---|---|', ...rows].join('\n');
console.log(table);

if (!only.length) {
  const docPath = join(root, 'docs', 'performance.md');
  const doc = readFileSync(docPath, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const stamp = `Last run: ${new Date().toISOString()} on ${process.platform}/${process.arch}, Node ${process.version}.`;
  const block = `${start}\n${stamp}\n\n${table}\n${end}`;
  const next = doc.includes(start) ? doc.replace(new RegExp(`${start}[\\s\\S]*?${end}`), block) : `${doc}\n${block}\n`;
  writeFileSync(docPath, next);
}
process.exitCode = results.every((r) => r.pass) ? 0 : 1;
