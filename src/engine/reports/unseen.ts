import type { EventView } from '../../eql/index.js';

/**
 * Watched fields no event has held yet. Per event it asks only for those, or, when the event
 * lists fewer paths than are left to find (a flattened document), goes by its paths instead:
 * a large rule set watches hundreds of fields, most never present in a given export.
 */
export class UnseenFields {
  private readonly unseen: Set<string>;

  constructor(fields: Iterable<string>) {
    this.unseen = new Set(fields);
  }

  get size(): number {
    return this.unseen.size;
  }

  /** The watched fields left, in the order given. */
  left(): string[] {
    return [...this.unseen];
  }

  /** Those of the fields left that this event holds, now seen (none when all were). */
  observe(view: EventView): string[] {
    const found: string[] = [];
    if (this.unseen.size === 0) return found;
    const listed = view.listed?.();
    if (listed && listed.size < this.unseen.size) {
      for (const p of listed.keys()) if (this.unseen.delete(p)) found.push(p);
    } else {
      for (const p of this.unseen) {
        if (view.get(p) !== undefined) {
          this.unseen.delete(p);
          found.push(p);
        }
      }
    }
    return found;
  }
}
