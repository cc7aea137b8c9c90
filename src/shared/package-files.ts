// Where the files the package ships (docs/, checklists/, schema/) are on this
// machine, so a hint can name a path that exists in an installed package
// (node_modules/cutover/docs/…), not one that exists only in a clone.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's root: the nearest directory above this module that holds docs/ and checklists/. */
export function packageDir(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'docs')) && existsSync(join(dir, 'checklists'))) return dir;
    dir = resolve(dir, '..');
  }
  return undefined;
}

/** A shipped file named for the operator: its path on this machine, or "<rel> in the cutover package". */
export function shippedFile(rel: string): string {
  const root = packageDir();
  return root !== undefined && existsSync(join(root, rel)) ? join(root, rel) : `${rel} in the cutover package`;
}
