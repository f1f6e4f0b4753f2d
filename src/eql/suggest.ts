/** Edit distance with adjacent transpositions counted as one edit (`nmae` → `name` is 1). */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  // Only cells already filled are read (rows above, cells to the left): the Infinity never shows.
  const cell = (i: number, j: number): number => rows[i]?.[j] ?? Infinity;
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    rows.push(row);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(cell(i - 1, j) + 1, cell(i, j - 1) + 1, cell(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, cell(i - 2, j - 2) + 1);
      row.push(d);
    }
  }
  return cell(a.length, b.length);
}

/**
 * The candidate closest to `word` (case-insensitive), when it is within a quarter of the
 * word's length, at least 1 and at most 3 edits (a typo, not another word); ties go to the
 * alphabetically first.
 */
export function closest(word: string, candidates: Iterable<string>): string | null {
  const w = word.toLowerCase();
  const limit = Math.max(1, Math.min(3, Math.floor(w.length / 4)));
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c === word || Math.abs(c.length - w.length) > limit) continue;
    const d = editDistance(w, c.toLowerCase());
    if (d <= limit && (d < bestDistance || (d === bestDistance && best !== null && c < best))) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}
