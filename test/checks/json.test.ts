// Reading JSON inputs: the duplicate-key scanner, syntax positions, and the
// InputErrors for every way a file can be wrong.
import { mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/cli/errors.js';
import { scanJson } from '../../src/checks/json-scan.js';
import { readJsonFile } from '../../src/checks/json.js';
import { STABLE, tempDir } from './helpers.js';
import { readFileSync } from 'node:fs';

const opts = { label: 'handoff payload', flag: '--payload' };

async function inputError(file: string, o: Parameters<typeof readJsonFile>[1] = opts): Promise<InputError> {
  const err = await readJsonFile(file, o).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  return err as InputError;
}

describe('scanJson: duplicate keys', () => {
  it('finds none in the real payload', () => {
    expect(scanJson(readFileSync(STABLE, 'utf8'))).toEqual({ duplicates: [] });
  });

  it('reports each duplicate with its JSON path and both lines', () => {
    const text = '{\n  "a": {\n    "b": 1,\n    "b": 2\n  },\n  "list": [{"x": 1, "x": 2}],\n  "a": 3\n}';
    expect(scanJson(text).duplicates).toEqual([
      { path: '$.a.b', key: 'b', line: 4, column: 5, firstLine: 3 },
      { path: '$.list[0].x', key: 'x', line: 6, column: 21, firstLine: 6 },
      { path: '$.a', key: 'a', line: 7, column: 3, firstLine: 2 },
    ]);
  });

  it('compares keys after unescaping and quotes odd keys in the path', () => {
    const dupes = scanJson('{"error code": 1, "error\\u0020code": 2}').duplicates;
    expect(dupes).toEqual([expect.objectContaining({ path: '$["error code"]', key: 'error code' })]);
  });

  it('keeps keys of sibling objects apart', () => {
    expect(scanJson('[{"a":1},{"a":2}]').duplicates).toEqual([]);
  });

  it('survives nesting deeper than the call stack', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(scanJson(deep)).toEqual({ duplicates: [], tooDeep: { line: 1, column: 65 } });
  });
});

describe('scanJson: syntax errors as line:column', () => {
  it.each([
    ['{\n  "a": 1,\n}', 3, 1, /expected a double-quoted property name/],
    ['{"a": 1 "b": 2}', 1, 9, /expected ',' or '}'/],
    ['[1, 2,]', 1, 7, /expected a value/],
    ['{"a": tru}', 1, 7, /expected a value/],
    ['{"a": "line\nbreak"}', 1, 12, /control character/],
    ['{"a": 01}', 1, 8, /malformed number/],
    ['{"a": 1} x', 1, 10, /unexpected content after the JSON value/],
    ['{"a": "\\x"}', 1, 9, /invalid escape/],
    ['{"a": [1, 2', 1, 12, /end of input/],
  ])('%j → %i:%i', (text, line, column, message) => {
    const { syntaxError } = scanJson(text);
    expect(syntaxError).toMatchObject({ line, column });
    expect(syntaxError!.message).toMatch(message);
    expect(() => JSON.parse(text)).toThrow(); // the scanner agrees that it is not JSON
  });
});

describe('readJsonFile: clear errors naming the file', () => {
  it('missing file: says where it looked', async () => {
    const dir = tempDir();
    const err = await inputError('nope.json', { ...opts, cwd: dir });
    expect(err.message).toBe(`handoff payload "nope.json" not found (looked at ${join(dir, 'nope.json')})`);
    expect(err.hint).toContain('--payload');
  });

  it('a directory', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'handoff'));
    const err = await inputError(join(dir, 'handoff'));
    expect(err.message).toMatch(/handoff payload ".*handoff" is a directory, not a JSON file/);
  });

  it('an empty file, or only whitespace', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'empty.json'), '');
    writeFileSync(join(dir, 'blank.json'), ' \n\t\n');
    expect((await inputError(join(dir, 'empty.json'))).message).toMatch(/"[^"]*empty.json" is empty$/);
    expect((await inputError(join(dir, 'blank.json'))).message).toMatch(/"[^"]*blank.json" is empty$/);
  });

  it('invalid JSON: line and column of the syntax error', async () => {
    const dir = tempDir();
    const file = join(dir, 'bad.json');
    writeFileSync(file, readFileSync(STABLE, 'utf8').replace('"handoff_mode": "stable",', '"handoff_mode": "stable"'));
    const err = await inputError(file);
    expect(err.message).toBe(`handoff payload "${file}" is not valid JSON at line 4, column 3: expected ',' or '}', found "\\"release_tag"`);
  });

  it('over the size cap: refused before reading', async () => {
    const dir = tempDir();
    const file = join(dir, 'huge.json');
    writeFileSync(file, '');
    truncateSync(file, 3 * 1024 * 1024);
    const err = await inputError(file, { ...opts, maxBytes: 1024 * 1024, tooLargeReason: 'not a handoff payload: too large' });
    expect(err.message).toBe(`handoff payload "${file}" is 3 MiB, over the 1 MiB limit: not a handoff payload: too large`);
  });

  it('not UTF-8', async () => {
    const dir = tempDir();
    const file = join(dir, 'latin1.json');
    writeFileSync(file, Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]));
    expect((await inputError(file)).message).toMatch(/is not valid UTF-8 text/);
  });

  it('accepts a UTF-8 byte order mark and reports duplicates with the value', async () => {
    const dir = tempDir();
    const file = join(dir, 'bom.json');
    writeFileSync(file, '\ufeff{"a": 1, "a": 2}');
    const doc = await readJsonFile(file, opts);
    expect(doc.value).toEqual({ a: 2 });
    expect(doc.duplicateKeys).toEqual([expect.objectContaining({ path: '$.a', line: 1 })]);
  });
});
