import { formatTimestamp } from '../../normalize/index.js';
import type { ScanSummary, TimeBound } from '../types.js';

/** Only events inside [from, to] can be part of an alert. */
export interface ScanWindow {
  from?: TimeBound;
  to?: TimeBound;
}

/** Does a bound count back from the export's end (`--from 24h`)? */
export const isRelative = (window: ScanWindow | undefined): boolean =>
  [window?.from, window?.to].some((b) => b !== undefined && !('at' in b));

/**
 * Whether a candidate's time is inside the window, counting those outside into the summary.
 * Relative bounds count back from the newest event read (`newest`: the newest plausible one,
 * see SummaryBuilder.exportEnd), so "the last 24h" of an export means the last 24 hours it
 * covers, not of today.
 */
export function windowTest(window: ScanWindow | undefined, newest: number, summary: ScanSummary): (ts: number) => boolean {
  if (!window) return () => true;
  const resolve = (b: TimeBound | undefined) => (b === undefined ? undefined : 'at' in b ? b.at : newest - b.beforeNewest);
  const from = resolve(window.from);
  const to = resolve(window.to);
  const iso = (ms: number | undefined) => (ms === undefined || !Number.isFinite(ms) ? undefined : formatTimestamp(ms));
  const f = iso(from);
  const t = iso(to);
  const shown = { ...(f === undefined ? {} : { from: f }), ...(t === undefined ? {} : { to: t }), outside: 0 };
  summary.window = shown;
  return (ts) => {
    if ((from === undefined || ts >= from) && (to === undefined || ts <= to)) return true;
    shown.outside++;
    return false;
  };
}
