// Builds dist/ with esbuild: one ESM bundle with code splitting so that the
// Ink front end is a separate chunk loaded only by the interactive path.
import { build } from 'esbuild';
import { chmodSync, renameSync, rmSync } from 'node:fs';

// Build beside dist/ and swap it in, so a test or a CLI run that is using
// dist/ at that moment never sees it half-written or missing.
const next = `dist.next-${process.pid}`;
rmSync(next, { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli.ts' },
  outdir: next,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  minify: false,
  legalComments: 'none',
  define: { 'process.env.NODE_ENV': '"production"' },
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  logLevel: 'warning',
});
chmodSync(`${next}/cli.js`, 0o755);
const old = `dist.old-${process.pid}`;
try {
  renameSync('dist', old);
} catch {
  // first build: there is no dist/ yet
}
renameSync(next, 'dist');
rmSync(old, { recursive: true, force: true });
