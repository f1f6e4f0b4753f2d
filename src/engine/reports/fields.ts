import { closest, editDistance, type EventView } from '../../eql/index.js';
import { UnseenFields } from './unseen.js';

const MAX_DEPTH = 32;
/** Sampling stops once this many events in a row brought no new field path. */
const STABLE_AFTER = 1000;
const LIMITS = { sampleEvents: 10_000, maxPaths: 10_000 };

/** A field a query needs that no scanned event holds, and the nearest one that some event does. */
export interface AbsentField {
  field: string;
  closest: string | null;
}

/** What one unit of work saw: the watched fields it never met, and field paths it sampled. Crosses threads. */
export interface FieldReport {
  unseen: string[];
  paths: string[];
}

/**
 * Watches events for the fields queries need. Per event it only asks for the fields not
 * seen yet (nothing, once all have been); the field paths events do hold, for suggestions,
 * are collected (when `samplePaths`) from the first `sampleEvents` events, at most
 * `maxPaths`, and no longer once 1,000 events in a row brought no new path.
 */
export class FieldPresence {
  private readonly unseen: UnseenFields;
  private readonly paths = new Set<string>();
  private sampled = 0;
  /** Sampled events in a row that brought no new path. */
  private unchanged = 0;

  constructor(fields: Iterable<string>, private readonly samplePaths = true, private readonly limits = LIMITS) {
    this.unseen = new UnseenFields(fields);
  }

  observe(view: EventView, source: unknown): void {
    if (this.unseen.size === 0) return;
    this.unseen.observe(view);
    if (this.samplePaths && this.sampled < this.limits.sampleEvents && this.paths.size < this.limits.maxPaths && this.unchanged < STABLE_AFTER) {
      this.sampled++;
      const before = this.paths.size;
      this.collect(source, '', 0);
      this.unchanged = this.paths.size === before ? this.unchanged + 1 : 0;
    }
  }

  report(): FieldReport {
    return { unseen: this.unseen.left(), paths: [...this.paths] };
  }

  /**
   * The watched fields no unit met (in the order given), each with the closest path any unit
   * sampled. No reports (nothing read) means nothing is known to be absent.
   */
  static absent(fields: string[], reports: FieldReport[]): AbsentField[] {
    if (reports.length === 0) return [];
    const unseen = fields.filter((f) => reports.every((r) => r.unseen.includes(f)));
    const paths = new Set(reports.flatMap((r) => r.paths));
    return unseen.map((field) => ({ field, closest: closestField(field, paths) }));
  }

  /** Field paths of a document, down to MAX_DEPTH levels (events can be nested hostilely deep). */
  private collect(node: unknown, prefix: string, depth: number): void {
    if (depth > MAX_DEPTH) return;
    if (Array.isArray(node)) {
      for (const el of node) this.collect(el, prefix, depth + 1);
      return;
    }
    if (typeof node !== 'object' || node === null) {
      if (prefix) this.paths.add(prefix);
      return;
    }
    for (const [k, v] of Object.entries(node)) {
      if (this.paths.size >= this.limits.maxPaths) return;
      this.collect(v, prefix ? `${prefix}.${k}` : k, depth + 1);
    }
  }
}

/**
 * A field path some event holds that `field` is plausibly a typo of (issue #26): in the same
 * namespace with a leaf a typo away (`process.nmae` → `process.name`), or with the same leaf
 * and a namespace one edit away (`proces.name` → `process.name`). Never across namespaces
 * (`url.path` is not `dll.path`), never from a dotted path to an undotted one (`rule.name` is
 * not `RuleName`).
 */
export function closestField(field: string, paths: Iterable<string>): string | null {
  const dot = field.lastIndexOf('.');
  if (dot < 0) return closest(field, [...paths].filter((p) => !p.includes('.')));
  const space = field.slice(0, dot).toLowerCase();
  const leaf = field.slice(dot + 1).toLowerCase();
  const sameSpace: string[] = [];
  const sameLeaf: string[] = [];
  for (const p of paths) {
    const d = p.lastIndexOf('.');
    if (d < 0) continue;
    const s = p.slice(0, d).toLowerCase();
    if (s === space) sameSpace.push(p);
    else if (p.slice(d + 1).toLowerCase() === leaf && space.length >= 4 && editDistance(space, s) === 1) sameLeaf.push(p);
  }
  const inSpace = closest(field, sameSpace);
  if (inSpace !== null) return inSpace;
  return sameLeaf.sort()[0] ?? null;
}
