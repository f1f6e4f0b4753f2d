import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The lolhunt package folder: the nearest folder above this module whose package.json is
 * lolhunt's. Works from `src/` (run by a TypeScript loader), from `dist/src/` and from an
 * installed package, whatever the build layout.
 */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && readName(manifest) === 'lolhunt') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`lolhunt's package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

function readName(manifest: string): unknown {
  try {
    const doc: unknown = JSON.parse(fs.readFileSync(manifest, 'utf8'));
    return typeof doc === 'object' && doc !== null && 'name' in doc ? doc.name : undefined;
  } catch {
    return undefined;
  }
}

/** The `rules/` folder shipped with lolhunt. */
export function builtinRulesDir(): string {
  return path.join(packageRoot(), 'rules');
}
