/**
 * Counts per key with a cap on distinct keys: keys come from the data (host names,
 * categories), and a hostile input must not grow memory without bound. Past the cap,
 * new keys count under OTHER.
 */
export const OTHER = '(other)';

export class Tally {
  readonly counts = new Map<string, number>();
  constructor(private readonly maxKeys = 1000) {}

  add(key: string): void {
    const n = this.counts.get(key);
    if (n !== undefined) this.counts.set(key, n + 1);
    else if (this.counts.size < this.maxKeys) this.counts.set(key, 1);
    else this.counts.set(OTHER, (this.counts.get(OTHER) ?? 0) + 1);
  }

  /** Largest first, ties by key. */
  sorted(): { key: string; count: number }[] {
    return [...this.counts].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}

/** The kind of a bad-line reason, without its details: "invalid JSON: Unexpected token…" → "invalid JSON". */
export function reasonKind(reason: string): string {
  return reason.split(/[:(]/)[0]!.trim();
}
