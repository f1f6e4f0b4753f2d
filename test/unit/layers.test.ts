import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// The dependency direction of STYLE.md: folder → folders it may import (value imports).
// `typeOnly` lists edges allowed only as `import type`.
const ALLOWED: Record<string, { value: string[]; typeOnly: string[] }> = {
  eql: { value: [], typeOnly: [] },
  input: { value: [], typeOnly: [] },
  normalize: { value: [], typeOnly: ['eql'] },
  rules: { value: ['eql'], typeOnly: [] },
  engine: { value: ['eql', 'input', 'normalize', 'rules'], typeOnly: [] },
  tree: { value: ['eql', 'input', 'normalize', 'engine'], typeOnly: [] },
  output: { value: [], typeOnly: ['engine', 'tree'] },
  cli: { value: ['eql', 'input', 'normalize', 'rules', 'engine', 'tree', 'output'], typeOnly: [] },
};

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../');
const srcDir = path.join(root, 'src');
const unitDir = path.join(root, 'test', 'unit');
const helpersDir = path.join(root, 'test', 'helpers');

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
}

interface Import {
  /** The module specifier, or null for a dynamic import of a computed name. */
  spec: string | null;
  typeOnly: boolean;
}

const STATIC = /^\s*(?:import|export)\s+(type\s+)?[^'";]*?\bfrom\s+['"]([^'"]+)['"]/gm;
const BARE = /^\s*import\s+['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\s*\(\s*(?:['"]([^'"]+)['"]\s*\)|(?![\s'"]))/g;

/** Every import of a file: `import ... from`, `export ... from`, bare `import 'x'` and `import(...)`. */
function importsOf(text: string): Import[] {
  return [
    ...[...text.matchAll(STATIC)].map((m) => ({ spec: m[2] ?? null, typeOnly: m[1] !== undefined })),
    ...[...text.matchAll(BARE)].map((m) => ({ spec: m[1] ?? null, typeOnly: false })),
    ...[...text.matchAll(DYNAMIC)].map((m) => ({ spec: m[1] ?? null, typeOnly: false })),
  ];
}

test('src/ folders import only what STYLE.md allows, through index.ts', () => {
  const violations: string[] = [];
  for (const file of tsFiles(srcDir)) {
    const where = path.relative(root, file);
    const folder = path.relative(srcDir, file).split(path.sep)[0] ?? '';
    const rules = ALLOWED[folder];
    if (!rules) {
      violations.push(`${where}: folder '${folder}' is not in the layer table`);
      continue;
    }
    for (const { spec, typeOnly } of importsOf(fs.readFileSync(file, 'utf8'))) {
      if (spec === null) {
        violations.push(`${where}: dynamic import of a computed name`);
        continue;
      }
      if (!spec.startsWith('.')) continue;
      const rel = path.relative(srcDir, path.resolve(path.dirname(file), spec));
      if (rel.startsWith('..')) {
        violations.push(`${where}: imports outside src/ (${spec})`);
        continue;
      }
      const targetFolder = rel.split(path.sep)[0] ?? '';
      if (targetFolder === folder) continue;
      const ok = rules.value.includes(targetFolder) || (typeOnly && rules.typeOnly.includes(targetFolder));
      if (!ok) violations.push(`${where}: ${typeOnly ? 'type ' : ''}import of ${targetFolder} (${spec})`);
      if (rel !== path.join(targetFolder, 'index.js')) violations.push(`${where}: cross-folder import must go through index.ts (${spec})`);
    }
  }
  assert.deepEqual(violations, []);
});

// A unit test may reach a module of its own layer directly (the line splitter is not all of
// src/input's index), never another layer's.
test('unit tests of a layer import only that layer (and test helpers)', () => {
  const violations: string[] = [];
  for (const layer of fs.readdirSync(unitDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name)) {
    if (!ALLOWED[layer]) {
      violations.push(`test/unit/${layer}: not a layer`);
      continue;
    }
    const own = path.join(srcDir, layer);
    for (const file of tsFiles(path.join(unitDir, layer))) {
      const where = path.relative(root, file);
      for (const { spec } of importsOf(fs.readFileSync(file, 'utf8'))) {
        if (spec === null) violations.push(`${where}: dynamic import of a computed name`);
        if (spec === null || !spec.startsWith('.')) continue;
        const target = path.resolve(path.dirname(file), spec);
        const inside = (dir: string) => !path.relative(dir, target).startsWith('..');
        if (inside(own) || inside(helpersDir) || inside(path.join(unitDir, layer))) continue;
        violations.push(`${where}: imports ${path.relative(root, target)}; a ${layer} unit test may import only src/${layer}/`);
      }
    }
  }
  assert.deepEqual(violations, []);
});

test('the import reader sees every form of import', () => {
  const text = [
    "import { a } from '../eql/index.js';",
    "import type { B } from '../engine/index.js';",
    "export { c } from './c.js';",
    "import '../input/index.js';",
    "const m = await import('../rules/index.js');",
    'const n = await import(name);',
  ].join('\n');
  assert.deepEqual(importsOf(text), [
    { spec: '../eql/index.js', typeOnly: false },
    { spec: '../engine/index.js', typeOnly: true },
    { spec: './c.js', typeOnly: false },
    { spec: '../input/index.js', typeOnly: false },
    { spec: '../rules/index.js', typeOnly: false },
    { spec: null, typeOnly: false },
  ]);
  const scan = fs.readFileSync(path.join(srcDir, 'engine', 'scan.ts'), 'utf8');
  assert.ok(importsOf(scan).some((i) => i.spec === '../eql/index.js'), 'and reads the real sources');
});
