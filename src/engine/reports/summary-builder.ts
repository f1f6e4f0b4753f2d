import { formatTimestamp } from '../../normalize/index.js';
import { isRelative, type ScanWindow } from '../run/window.js';
import { reasonKind, Tally, type EventTally } from './tally.js';
import type { InputProblem, ScanSummary } from '../types.js';

/**
 * The scan's summary as the stages report into it: problems counted (the first `shown` kept,
 * in input order), what each unit read tallied, and the export's newest plausible time.
 */
export class SummaryBuilder {
  readonly summary: ScanSummary;
  private readonly badReasons = new Tally();
  private readonly hosts = new Tally();
  private readonly categories = new Tally();
  private readonly unmapped = new Tally();
  private newest = -Infinity;
  private future = 0;
  private furthest = -Infinity;

  constructor(files: number, normalized: boolean, skippedFiles: string[], readonly shown: number) {
    this.summary = {
      files, bytes: 0, events: 0, unparsed: 0, badLines: 0, fileErrors: 0, problems: [],
      badLinesByReason: [], eventsByCategory: [], eventsByHost: [], hostFiltered: 0,
      alertsByRule: [], alerts: 0, elapsedMs: 0, peakRssBytes: 0, threads: 1,
      inputs: [], shapes: {}, normalized, warnings: [], ruleWarnings: [], skippedFiles,
    };
  }

  /** Counts a problem; `keep` says whether it is among the first shown (units keep their own until their lines are numbered). */
  count(p: InputProblem, keep = false): void {
    this.summary[p.kind === 'file' ? 'fileErrors' : 'badLines']++;
    if (p.kind === 'line') this.badReasons.add(reasonKind(p.reason));
    if (keep) this.keep(p);
  }

  /** Keeps an already counted problem if there is room. */
  keep(p: InputProblem): boolean {
    if (this.summary.problems.length >= this.shown) return false;
    this.summary.problems.push(p);
    return true;
  }

  tallied(t: EventTally): void {
    this.summary.events += t.events;
    this.summary.hostFiltered += t.hostFiltered;
    if (t.newest > this.newest) this.newest = t.newest;
    this.future += t.future;
    if (t.furthest > this.furthest) this.furthest = t.furthest;
    for (const [k, n] of t.hosts) this.hosts.add(k, n);
    for (const [k, n] of t.categories) this.categories.add(k, n);
    for (const [k, n] of t.unmapped) this.unmapped.add(k, n);
  }

  /** The export's end, which relative --from/--to count back from: its newest plausible time; only when every event lies in the future, the furthest. */
  get exportEnd(): number {
    return this.newest === -Infinity ? this.furthest : this.newest;
  }

  /** The tallies sorted into the summary; the warning about events dated in the future, then the run's. */
  finish(window: ScanWindow | undefined, runWarnings: string[]): ScanSummary {
    const s = this.summary;
    if (this.future) s.warnings.push(futureWarning(this.future, this.furthest, this.newest, window));
    s.warnings.push(...runWarnings);
    s.badLinesByReason = this.badReasons.sorted();
    s.eventsByHost = this.hosts.sorted();
    s.eventsByCategory = this.categories.sorted();
    if (this.unmapped.counts.size) s.eventsUnmapped = this.unmapped.sorted();
    return s;
  }
}

/**
 * Events dated past the clock (plus a day) are matched as dated, but one forged time must not
 * move the export's end: a relative window counts back from the newest time before that.
 */
function futureWarning(future: number, furthest: number, newest: number, window: ScanWindow | undefined): string {
  const said = `${future} event${future === 1 ? ' is' : 's are'} dated more than a day after this computer's clock (the latest ${formatTimestamp(furthest)}); check the clocks of the hosts that wrote them`;
  if (!isRelative(window)) return said;
  return newest === -Infinity
    ? `${said}; no event is dated before that, so relative --from/--to count back from ${formatTimestamp(furthest)}`
    : `${said}; relative --from/--to count back from the newest event before that, ${formatTimestamp(newest)}`;
}
