// Builds dist/ with esbuild: one ESM bundle with code splitting so that the
// Ink front end is a separate chunk loaded only by the interactive path.
import { build } from 'esbuild';
import { chmodSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { stringWidthFastPath } from './string-width-fast.mjs';
import { writePrecompiledRunbooks } from './precompile-runbooks.mjs';

/**
 * Patches to Ink 6.8 and its tokenizer, each one exact string replaced in the
 * bundle; the build fails if the patched text changed, so an upgrade is
 * looked at (test/ui/e2e checks the screen after updates).
 *
 * - Ink's incremental renderer moves the cursor up one row too few when the
 *   frame ends with a newline (every frame shorter than the terminal, as
 *   ours is): each update lands one row low and the screen tears.
 * - Every frame, Ink builds a grid of styled characters and turns each row
 *   back into a string, diffing the ANSI styles of each character with the
 *   one before (three Sets and two arrays per character): a third of a
 *   frame's time while a step floods the screen. Two characters with the
 *   same styles need no diff (its result is empty then), most characters
 *   have none, and the blank cells of the grid can share one object (it is
 *   only ever read).
 * - Each frame's Output measured and tokenized every text again (its caches
 *   lived one frame): a frame now also looks in the two frames before's
 *   caches, so an unchanged line is not tokenized again, nor one that comes
 *   back when the selection moves back and forth (three frames' worth held
 *   at most). Each text node's width, measured uncached on every frame, is
 *   cached (up to 1,000 texts, then a fresh cache); everything cached is a
 *   pure function of the text.
 * - Yoga's loader (emscripten) gets its embedded wasm by `fetch` of a
 *   data: URL whenever a global fetch exists, as in Node 18+: that loads
 *   Node's whole fetch implementation (undici) and runs a request, a tenth of
 *   the screen's start in a profile. It now decodes the same base64 bytes
 *   with Buffer, as its own fallback does (in JS, a character at a time).
 */
const PATCHES = [
  {
    file: /ink[\\/]build[\\/]log-update\.js$/,
    edits: [["buffer.push(ansiEscapes.cursorUp(previousVisible - 1));", "buffer.push(ansiEscapes.cursorUp(previousVisible - (previousOutput.endsWith('\\n') ? 0 : 1)));"]],
  },
  {
    file: /ink[\\/]build[\\/]output\.js$/,
    edits: [
      ["row.push({\n                    type: 'char',\n                    value: ' ',\n                    fullWidth: false,\n                    styles: [],\n                });", 'row.push(BLANK_CELL);'],
      // First: the text inserted below has `new OutputCaches()` of its own.
      ['caches = new OutputCaches();', 'caches = framesCaches();'],
      [
        'export default class Output {',
        "const BLANK_CELL = { type: 'char', value: ' ', fullWidth: false, styles: [] };\nlet lastCaches;\nfunction framesCaches() {\n    const caches = new OutputCaches();\n    caches.previous = lastCaches;\n    if (lastCaches?.previous) lastCaches.previous.previous = undefined;\n    lastCaches = caches;\n    return caches;\n}\nexport default class Output {",
      ],
      ['cached = styledCharsFromTokens(tokenize(line));', 'cached = this.previous?.styledChars.get(line) ?? this.previous?.previous?.styledChars.get(line) ?? styledCharsFromTokens(tokenize(line));'],
      ['cached = stringWidth(text);', 'cached = this.previous?.widths.get(text) ?? this.previous?.previous?.widths.get(text) ?? stringWidth(text);'],
    ],
  },
  {
    file: /ink[\\/]build[\\/]render-node-to-output\.js$/,
    edits: [
      ['const currentWidth = widestLine(text);', 'const currentWidth = widestLineCached(text);'],
      [
        "import widestLine from 'widest-line';",
        "import widestLine from 'widest-line';\nlet widestLines = new Map();\nfunction widestLineCached(text) {\n    let width = widestLines.get(text);\n    if (width === undefined) {\n        if (widestLines.size > 1000) widestLines = new Map();\n        width = widestLine(text);\n        widestLines.set(text, width);\n    }\n    return width;\n}",
      ],
    ],
  },
  {
    file: /@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]styledChars\.js$/,
    edits: [
      ['ret += ansiCodesToString(char.styles);', "ret += char.styles.length === 0 ? '' : ansiCodesToString(char.styles);"],
      ['ret += ansiCodesToString(diffAnsiCodes(chars[i - 1].styles, char.styles));', "ret += sameAnsiCodes(chars[i - 1].styles, char.styles) ? '' : ansiCodesToString(diffAnsiCodes(chars[i - 1].styles, char.styles));"],
      ['ret += ansiCodesToString(diffAnsiCodes(char.styles, []));', "ret += char.styles.length === 0 ? '' : ansiCodesToString(diffAnsiCodes(char.styles, []));"],
      [
        'export function styledCharsToString(chars) {',
        'function sameAnsiCodes(a, b) {\n    if (a === b) return true;\n    if (a.length !== b.length) return false;\n    for (let j = 0; j < a.length; j++) if (a[j].code !== b[j].code || a[j].endCode !== b[j].endCode) return false;\n    return true;\n}\nexport function styledCharsToString(chars) {',
      ],
    ],
  },
  {
    file: /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/,
    edits: [
      [
        'function ya(){return w||"function"!=typeof fetch?Promise.resolve().then(function(){return wa()}):fetch(H,{credentials:"same-origin"}).then(function(a){if(!a.ok)throw"failed to load wasm binary file at \'"+H+"\'";return a.arrayBuffer()}).catch(function(){return wa()})}',
        'function ya(){return Promise.resolve().then(function(){return !w&&ua(H)?new Uint8Array(Buffer.from(H.slice(37),"base64")):wa()})}',
      ],
    ],
  },
];

const inkPatches = {
  name: 'ink-patches',
  setup(b) {
    for (const { file, edits } of PATCHES) {
      b.onLoad({ filter: file }, (args) => {
        let text = readFileSync(args.path, 'utf8');
        for (const [wrong, right] of edits) {
          if (!text.includes(wrong)) throw new Error(`${args.path}: the text an ink patch replaces has changed (${JSON.stringify(wrong.slice(0, 60))}); check it and update scripts/build.mjs`);
          text = text.replace(wrong, right);
        }
        // A later edit of the same file must not have changed an earlier one's text (as one did, unnoticed: the cross-frame caches were never used).
        for (const [, right] of edits) if (!text.includes(right)) throw new Error(`${args.path}: an ink patch's text was changed by a later patch (${JSON.stringify(right.slice(0, 60))}); order the edits in scripts/build.mjs`);
        return { contents: text, loader: 'js' };
      });
    }
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
  plugins: [inkPatches, stringWidthFastPath],
  define: { 'process.env.NODE_ENV': '"production"' },
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  logLevel: 'warning',
});
chmodSync(`${next}/cli.js`, 0o755);
// The shipped runbooks, read now instead of at every start (src/runbook/precompiled.ts).
try {
  await writePrecompiledRunbooks(process.cwd(), next);
} catch (err) {
  rmSync(next, { recursive: true, force: true }); // dist/ stays as it was
  throw err;
}
const old = `dist.old-${process.pid}`;
try {
  renameSync('dist', old);
} catch {
  // first build: there is no dist/ yet
}
renameSync(next, 'dist');
rmSync(old, { recursive: true, force: true });
