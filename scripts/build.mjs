// Builds dist/ with esbuild: one ESM bundle with code splitting so that the
// Ink front end is a separate chunk loaded only by the interactive path.
import { build } from 'esbuild';
import { chmodSync, readFileSync, renameSync, rmSync } from 'node:fs';

/**
 * Ink 6.8's incremental renderer moves the cursor up one row too few when
 * the frame ends with a newline (every frame shorter than the terminal, as
 * ours is): each update lands one row low and the screen tears. This fixes
 * that one line in the bundle; the build fails if Ink changed there, so an
 * upgrade is looked at (test/ui/e2e checks the screen after updates).
 */
const inkIncrementalFix = {
  name: 'ink-incremental-fix',
  setup(b) {
    b.onLoad({ filter: /ink[\\/]build[\\/]log-update\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const wrong = 'buffer.push(ansiEscapes.cursorUp(previousVisible - 1));';
      if (!text.includes(wrong)) throw new Error(`${args.path}: the line the ink-incremental-fix patches has changed; check Ink's incremental rendering and update scripts/build.mjs`);
      return { contents: text.replace(wrong, "buffer.push(ansiEscapes.cursorUp(previousVisible - (previousOutput.endsWith('\\n') ? 0 : 1)));"), loader: 'js' };
    });
  },
};

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
  minify: true,
  legalComments: 'none',
  // Ink loads React DevTools only when DEV=true; it is not a dependency.
  external: ['react-devtools-core'],
  plugins: [inkIncrementalFix],
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
