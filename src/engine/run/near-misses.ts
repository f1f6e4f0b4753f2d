import type { FieldValue } from '../../eql/index.js';
import type { TimelineEvent, TimelinePlace } from '../order/timeline.js';

/**
 * A join key whose events satisfied every step of a sequence but never made an alert:
 * `out-of-order` when no chain of them came in step order; `outside-maxspan` when one did, but
 * its shortest span was more than maxspan (and at most NEAR_MAXSPAN times it).
 */
export interface NearMiss {
  kind: 'out-of-order' | 'outside-maxspan';
  keys: FieldValue[];
  /** out-of-order: the first event of each step, in step order; outside-maxspan: the chain's first and last. */
  events: TimelinePlace[];
  /** outside-maxspan: first to last of the shortest chain, in ms. */
  spanMs?: number;
}

/** A chain that is this many times maxspan long or longer is not "just" outside it. */
export const NEAR_MAXSPAN = 2;

/** Join keys tracked per query: two generations of this many; the older is let go as the newer fills. */
const GENERATION = 16_384;
/** Near misses of keys already let go, kept per query; past it they are only counted. */
const KEPT = 1_000;
/** Stages a watched query may have (one bit each). */
export const MAX_STAGES = 30;

/** What one key's events did, ignoring maxspan. */
interface Track {
  keys: FieldValue[];
  /**
   * Bit of each stage some event of the key satisfied, in any order: of a step with runs=N,
   * one bit more for each event, up to N.
   */
  matched: number;
  /** The first event of each step (by step index). */
  firsts: (TimelinePlace | undefined)[];
  /**
   * Per stage, the start of the latest-starting chain of the key's events that reached it in
   * step order (the shortest such chain to finish from there).
   */
  reach: (TimelinePlace | undefined)[];
  /** The shortest chain that reached the last stage. */
  shortest?: { first: TimelinePlace; last: TimelinePlace };
  /** The runner completed a sequence of the key: it has an alert, and no near miss (not even after an `until`). */
  done?: true;
}

const place = (e: TimelineEvent): TimelinePlace => ({ ts: e.ts, tiebreak: e.tiebreak, fileIndex: e.fileIndex, part: e.part, line: e.line });

/**
 * Watches one sequence query beside its runner, on the same events (those some step can
 * take), without changing what the runner does. Per join key it keeps which steps matched and
 * the chains that came in step order regardless of maxspan. Memory is bounded: keys live in two generations of GENERATION (a key seen again
 * moves to the newer), and the keys of the older are judged when it is let go, so a key
 * whose events lie further apart than that may be judged before its last event (or missed).
 */
export class NearMissTracker {
  private current = new Map<string, Track>();
  private previous = new Map<string, Track>();
  /** Near misses of keys let go, by key (a key completed later is taken out). */
  private readonly kept = new Map<string, NearMiss>();
  private readonly overflow = { 'out-of-order': 0, 'outside-maxspan': 0 };
  /** Per stage: the bits of its step's stages when it is the step's first stage, else 0. */
  private readonly stepStages: number[];
  private readonly allStages: number;

  /** `stageSteps`: the step index of each stage (a step with runs=N is N stages, at most MAX_STAGES in all). */
  constructor(private readonly stageSteps: number[], private readonly maxspan: number | null) {
    this.stepStages = stageSteps.map((step, s) => (stageSteps[s - 1] === step ? 0 : stageSteps.reduce((m, x, i) => (x === step ? m | (1 << i) : m), 0)));
    this.allStages = (1 << stageSteps.length) - 1;
  }

  /**
   * An event of `key` satisfies stage `s`. Called for the stages of an event last first (as
   * the runner advances them), so one event never fills two consecutive stages of a chain.
   */
  see(s: number, ev: TimelineEvent, key: string, keys: FieldValue[]): void {
    const t = this.track(key, keys);
    if (t.done) return;
    // One copy of the event's place serves both (a stage-0 event is met most often).
    let at: TimelinePlace | undefined;
    const stages = this.stepStages[s]!;
    if (stages) {
      const free = stages & ~t.matched;
      if (free === stages) t.firsts[this.stageSteps[s]!] = at = place(ev);
      t.matched |= free & -free;
    }
    if (s === 0) {
      t.reach[0] = at ?? place(ev);
      return;
    }
    const start = t.reach[s - 1];
    if (!start) return;
    if (s < this.stageSteps.length - 1) t.reach[s] = start;
    else if (!t.shortest || ev.ts - start.ts < t.shortest.last.ts - t.shortest.first.ts) t.shortest = { first: start, last: place(ev) };
  }

  /**
   * The runner completed a sequence of `key`: a near miss of it judged when it was let go is
   * taken back.
   */
  completed(key: string): void {
    const t = this.current.get(key) ?? this.previous.get(key);
    if (t) t.done = true;
    this.kept.delete(key);
  }

  /** An `until` event ended the key's partial sequences: its earlier events join no later ones. */
  ended(key: string): void {
    if ((this.current.get(key) ?? this.previous.get(key))?.done) return;
    this.current.delete(key);
    this.previous.delete(key);
  }

  /** Every near miss, with how many beyond those listed were only counted. */
  finish(): { nearMisses: NearMiss[]; uncounted: Record<NearMiss['kind'], number> } {
    for (const gen of [this.previous, this.current]) this.letGo(gen);
    this.previous.clear();
    this.current.clear();
    return { nearMisses: [...this.kept.values()], uncounted: this.overflow };
  }

  private track(key: string, keys: FieldValue[]): Track {
    let t = this.current.get(key);
    if (t) return t;
    t = this.previous.get(key);
    if (t) this.previous.delete(key);
    else t = { keys, matched: 0, firsts: [], reach: [] };
    if (this.current.size >= GENERATION) {
      this.letGo(this.previous);
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, t);
    return t;
  }

  /** Judges the keys of a generation being let go, keeping their near misses. */
  private letGo(gen: Map<string, Track>): void {
    for (const [key, t] of gen) {
      const miss = this.judge(t);
      if (!miss) continue;
      if (this.kept.size < KEPT) this.kept.set(key, miss);
      else this.overflow[miss.kind]++;
    }
  }

  private judge(t: Track): NearMiss | null {
    if (t.done || t.matched !== this.allStages) return null;
    if (!t.shortest) {
      // No chain of the key's events came in step order: some step's events all came too early.
      const events = t.firsts.filter((e): e is TimelinePlace => e !== undefined);
      return { kind: 'out-of-order', keys: t.keys, events };
    }
    const spanMs = t.shortest.last.ts - t.shortest.first.ts;
    // A chain within maxspan that made no alert was dropped at --max-pending or vetoed otherwise: not ours to explain.
    if (this.maxspan === null || spanMs <= this.maxspan || spanMs > NEAR_MAXSPAN * this.maxspan) return null;
    return { kind: 'outside-maxspan', keys: t.keys, events: [t.shortest.first, t.shortest.last], spanMs };
  }
}
