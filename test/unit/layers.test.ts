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
  output: { value: [], typeOnly: ['engine'] },
  cli: { value: ['eql', 'input', 'normalize', 'rules', 'engine', 'output'], typeOnly: [] },
};

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../');
const srcDir = path.join(root, 'src');

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
}

const IMPORT = /^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+['"]([^'"]+)['"]/gm;

test('src/ folders import only what STYLE.md allows, through index.ts', () => {
  const violations: string[] = [];
  for (const file of tsFiles(srcDir)) {
    const folder = path.relative(srcDir, file).split(path.sep)[0]!;
    const rules = ALLOWED[folder];
    if (!rules) {
      violations.push(`${path.relative(root, file)}: folder '${folder}' is not in the layer table`);
      continue;
    }
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[3]!;
      if (!spec.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), spec);
      const rel = path.relative(srcDir, target);
      if (rel.startsWith('..')) {
        violations.push(`${path.relative(root, file)}: imports outside src/ (${spec})`);
        continue;
      }
      const targetFolder = rel.split(path.sep)[0]!;
      if (targetFolder === folder) continue;
      const typeOnly = m[2] !== undefined;
      const ok = rules.value.includes(targetFolder) || (typeOnly && rules.typeOnly.includes(targetFolder));
      if (!ok) violations.push(`${path.relative(root, file)}: ${typeOnly ? 'type ' : ''}import of ${targetFolder} (${spec})`);
      if (!rel.endsWith(`${path.sep}index.js`)) violations.push(`${path.relative(root, file)}: cross-folder import must go through index.ts (${spec})`);
    }
  }
  assert.deepEqual(violations, []);
});

test('the layer check sees imports at all', () => {
  const text = fs.readFileSync(path.join(srcDir, 'engine', 'scan.ts'), 'utf8');
  assert.ok([...text.matchAll(IMPORT)].some((m) => m[3] === '../eql/index.js'));
});
