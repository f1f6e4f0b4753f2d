import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../rules/index.js';

/** lolhunt's version, as its package.json gives it (shown by --version, written into reports). */
export function version(): string {
  const doc: unknown = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8'));
  return typeof doc === 'object' && doc !== null && 'version' in doc && typeof doc.version === 'string' ? doc.version : 'unknown';
}
