/** Edit distance (insert, delete, substitute), for "did you mean". */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * Up to `max` candidates close to `wanted`: those containing it (or contained in it) first,
 * then those within a third of its length in edit distance; case-insensitive.
 */
export function closest(wanted: string, candidates: string[], max = 3): string[] {
  const w = wanted.toLowerCase();
  const scored = candidates.map((c) => {
    const l = c.toLowerCase();
    const score = l.includes(w) || w.includes(l) ? 0 : distance(w, l);
    return { c, score };
  });
  const limit = Math.max(2, Math.floor(w.length / 3));
  return scored.filter((s) => s.score <= limit).sort((a, b) => a.score - b.score || a.c.localeCompare(b.c)).slice(0, max).map((s) => s.c);
}

/** " (did you mean 'a' or 'b'?)", or '' when nothing is close. */
export function didYouMean(wanted: string, candidates: string[]): string {
  const near = closest(wanted, [...new Set(candidates)]);
  if (near.length === 0) return '';
  return ` (did you mean ${near.map((n) => `'${n}'`).join(' or ')}?)`;
}
