/**
 * Semantic-version precedence, as Elasticsearch's `version` field orders values: numeric
 * parts numerically (any number of them), a pre-release before its release, pre-release
 * identifiers numeric before alphanumeric, build metadata ignored. Values that are not
 * versions sort after every valid one, by code unit; equal precedence falls back to the text.
 */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  const byText = a < b ? -1 : a > b ? 1 : 0;
  if (x === null || y === null) return x === y ? byText : x === null ? 1 : -1;
  return compareParts(x.release, y.release) || comparePre(x.pre, y.pre) || byText;
}

const VERSION = /^(\d+(?:\.\d+)*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

function parseVersion(s: string): { release: number[]; pre: string[] | null } | null {
  const m = VERSION.exec(s);
  if (!m || m[1] === undefined) return null;
  return { release: m[1].split('.').map(Number), pre: m[2] === undefined ? null : m[2].split('.') };
}

function compareParts(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

function comparePre(a: string[] | null, b: string[] | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareIdentifier(a[i] ?? '', b[i] ?? '');
    if (c !== 0) return c;
  }
  return Math.sign(a.length - b.length);
}

function compareIdentifier(a: string, b: string): number {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn) return Math.sign(Number(a) - Number(b));
  if (an !== bn) return an ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
