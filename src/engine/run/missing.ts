import type { CompiledQuery, CompiledStep } from '../../eql/index.js';
import { compareEvents, type TimelineEvent } from '../order/timeline.js';

/** One stage of a sequence after `runs` expansion: a positive query or a missing event `![...]`. */
export type Slot = { kind: 'positive' } | { kind: 'missing'; step: CompiledStep; bit: number };

type MissingSlot = Extract<Slot, { kind: 'missing' }>;

/** A sequence whose positive events are all found, waiting to be checked for its missing events. */
export interface Candidate {
  positives: TimelineEvent[];
  key: string;
  /** Events after this time cannot take a trailing missing slot (first event + maxspan). */
  deadline: number;
}

/**
 * Missing events (`![...]`), as Elasticsearch's QA suite pins them: the positive stages match
 * as a sequence of their own, then the candidate is dropped when
 * - a slot between two positive events has an event of its query (same join key) strictly
 *   between them (each slot on its own: `[A] ![B] [C]` is "A then C with no B between"), or
 * - the leading and trailing slots can all be filled, in order, before the first and after the
 *   last positive event, with the whole filled-in sequence inside maxspan (`![B] [A]` is "A
 *   with no B in the maxspan before it"; `![B] [A] ![C]` needs both B and C to drop A).
 */
export class MissingEvents {
  /** Per missing step (by bit), per join key: its events in timeline order. */
  private readonly history = new Map<number, Map<string, TimelineEvent[]>>();

  constructor(
    private readonly slots: Slot[],
    private readonly maxspan: number | null,
  ) {}

  static slotsOf(query: CompiledQuery): Slot[] {
    const out: Slot[] = [];
    query.steps.forEach((step, i) => {
      for (let r = 0; r < step.runs; r++) out.push(step.missing ? { kind: 'missing', step, bit: 1 << i } : { kind: 'positive' });
    });
    return out;
  }

  get hasTrailing(): boolean {
    return this.slots.at(-1)?.kind === 'missing';
  }

  /** Missing steps this event matches, with the key tuples it joins under. */
  record(ev: TimelineEvent, bit: number, key: string): void {
    let byKey = this.history.get(bit);
    if (!byKey) this.history.set(bit, (byKey = new Map()));
    let list = byKey.get(key);
    if (!list) byKey.set(key, (list = []));
    list.push(ev);
  }

  /** Forgets events older than `oldest`: they can no longer fall inside any maxspan. */
  prune(oldest: number): void {
    for (const byKey of this.history.values()) {
      for (const [key, list] of byKey) {
        let i = 0;
        for (const ev of list) {
          if (ev.ts >= oldest) break;
          i++;
        }
        if (i === list.length) byKey.delete(key);
        else if (i > 0) list.splice(0, i);
      }
    }
  }

  /** The full result (placeholders where events are missing), or null when the missing events did occur. */
  resolve(c: Candidate): TimelineEvent[] | null {
    if (this.betweenFilled(c) || this.edgesFilled(c)) return null;
    const out: TimelineEvent[] = [];
    let p = 0;
    for (const slot of this.slots) {
      // A candidate has one event per positive slot, and at least one: a missing slot stands
      // in the place of the next positive event, or of the last after the last one.
      const ev = c.positives[Math.min(p, c.positives.length - 1)]!;
      if (slot.kind === 'positive') p++;
      out.push(slot.kind === 'positive' ? ev : { ...ev, missing: true });
    }
    return out;
  }

  private betweenFilled(c: Candidate): boolean {
    let p = 0;
    for (const slot of this.slots) {
      if (slot.kind === 'positive') {
        p++;
        continue;
      }
      const after = c.positives[p - 1];
      const before = c.positives[p];
      if (after !== undefined && before !== undefined && this.earliestAfter(slot, c.key, after, before)) return true;
    }
    return false;
  }

  private edgesFilled(c: Candidate): boolean {
    const firstPositive = this.slots.findIndex((s) => s.kind === 'positive');
    const lastPositive = this.slots.findLastIndex((s) => s.kind === 'positive');
    if (firstPositive === 0 && lastPositive === this.slots.length - 1) return false;
    const head = c.positives[0];
    const tail = c.positives.at(-1);
    if (head === undefined || tail === undefined) return false;
    let first: TimelineEvent = head;
    let last: TimelineEvent = tail;
    // Leading slots: latest events first, walking back from the first positive event.
    for (let i = firstPositive - 1; i >= 0; i--) {
      const slot = this.slots[i];
      const found = slot?.kind === 'missing' && this.latestBefore(slot, c.key, first);
      if (!found) return false;
      first = found;
    }
    // Trailing slots: earliest events first, walking forward from the last positive event.
    for (let i = lastPositive + 1; i < this.slots.length; i++) {
      const slot = this.slots[i];
      const found = slot?.kind === 'missing' && this.earliestAfter(slot, c.key, last);
      if (!found) return false;
      last = found;
    }
    return this.maxspan === null || last.ts - first.ts <= this.maxspan;
  }

  private latestBefore(slot: MissingSlot, key: string, before: TimelineEvent): TimelineEvent | undefined {
    const list = this.history.get(slot.bit)?.get(key) ?? [];
    return list.findLast((ev) => compareEvents(ev, before) < 0);
  }

  private earliestAfter(slot: MissingSlot, key: string, after: TimelineEvent, before?: TimelineEvent): TimelineEvent | undefined {
    const list = this.history.get(slot.bit)?.get(key) ?? [];
    for (const ev of list) {
      if (compareEvents(ev, after) <= 0) continue;
      return before === undefined || compareEvents(ev, before) < 0 ? ev : undefined;
    }
    return undefined;
  }
}
