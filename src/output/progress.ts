import type { ScanProgress } from '../engine/index.js';
import { formatBytes } from './summary.js';

export interface Progress {
  update(p: ScanProgress): void;
  /** Clears the progress line. */
  done(): void;
}

/** Redraws at most this often; update() in between costs one clock read. */
const INTERVAL_MS = 250;

/**
 * One self-overwriting stderr line: bytes and files done, events/s, ETA, matching events so
 * far. Alerts exist only once every event is on the timeline, so the count shown while
 * reading is of candidate events (those some rule step matches).
 */
export function createProgress(stream: { write(s: string): unknown }, totals: { bytes: number; files: number }, now: () => number = Date.now): Progress {
  const started = now();
  let last = -Infinity;
  let drawn = false;
  return {
    update(p) {
      const t = now();
      if (t - last < INTERVAL_MS) return;
      last = t;
      const seconds = (t - started) / 1000;
      const rate = seconds > 0 ? Math.round(p.events / seconds) : 0;
      const bytesRate = seconds > 0 ? p.bytes / seconds : 0;
      const eta = totals.bytes > 0 && bytesRate > 0 && p.bytes < totals.bytes ? ` · ETA ${Math.ceil((totals.bytes - p.bytes) / bytesRate)}s` : '';
      const size = totals.bytes > 0 ? `${formatBytes(p.bytes)}/${formatBytes(totals.bytes)}` : formatBytes(p.bytes);
      stream.write(`\r\x1b[K${size} · ${p.filesDone}/${totals.files} files · ${rate} events/s${eta} · ${p.candidates} matching events`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
