import type { Alert, ScanSummary } from '../engine/index.js';
import { escapeJsonText, stringify } from './escape.js';
import { processTreeRecord } from './tree.js';
import type { ReportedAlert, ResultWriter } from './types.js';

/**
 * Said after `source` when the line's bytes were not valid UTF-8: `source` is then the line
 * decoded, with U+FFFD for each invalid sequence, not the bytes (docs/decisions.md).
 */
const INVALID_UTF8 = ',"source_encoding":"invalid-utf8-replaced"';

/**
 * One alert as JSON text, in the documented shape (key order is part of the contract). An
 * event's `source` is its original line, verbatim, so the evidence keeps its exact numbers,
 * duplicate keys and escapes; only elements of JSON-array files are serialised again. A line
 * that was not valid UTF-8 says so (INVALID_UTF8). `process_tree` follows when the run built
 * trees (output/tree.ts:processTreeRecord).
 */
export function alertJson(alert: ReportedAlert): string {
  const fields: string[] = [];
  if (alert.rule) {
    const r = alert.rule;
    fields.push(`"rule":${stringify({ id: r.id, name: r.name, severity: r.severity, risk_score: r.riskScore, threat: r.threat, ...(r.buildingBlock ? { building_block: true } : {}) })}`);
  }
  fields.push(`"join_keys":${stringify(alert.joinKeys)}`, `"@timestamp":${JSON.stringify(alert.timestamp)}`);
  const events = alert.events.map((e) => e.missing
    ? '{"missing":true}'
    : `{"file":${JSON.stringify(e.file)},"line":${e.line},"@timestamp":${JSON.stringify(e.timestamp)},"source":${e.raw?.trim() ?? stringify(e.source)}${e.invalidUtf8 ? INVALID_UTF8 : ''}}`);
  fields.push(`"events":[${events.join(',')}]`);
  if (alert.processTree) fields.push(`"process_tree":${stringify(processTreeRecord(alert.processTree))}`);
  return escapeJsonText(`{${fields.join(',')}}`);
}

/** Resolves when everything written so far has been flushed. */
export function flushed(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    out.write('', (err?: Error | null) => (err ? reject(err) : resolve()));
  });
}

/** What a report keeps of the alerts: how many there were, and the first `keep` of them. */
export interface KeptAlerts {
  total: number;
  first: ReportedAlert[];
}

/**
 * A report that shows some alerts in full and the rest as counts: it keeps `keep` alerts (and
 * whatever `observe` tallies of every alert), so its memory is bounded however many alerts
 * there are; `render` writes the whole report at the end. Without `order` it keeps the first
 * `keep` to come; with it, the `keep` that sort first (ties: the earlier to come), in that order.
 */
export function reportWriter(out: NodeJS.WritableStream, keep: number, render: (summary: ScanSummary, alerts: KeptAlerts) => string, observe?: (alert: Alert) => void, order?: (a: Alert, b: Alert) => number): ResultWriter {
  const kept: KeptAlerts = { total: 0, first: [] };
  return {
    write(alert) {
      kept.total++;
      observe?.(alert);
      if (!order) {
        if (kept.first.length < keep) kept.first.push(alert);
        return;
      }
      // Binary insertion after every alert that sorts first or equal (so ties keep arrival order).
      const list = kept.first;
      const last = list.at(-1);
      if (list.length >= keep && last !== undefined && order(alert, last) >= 0) return;
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        const at = list[mid];
        if (at !== undefined && order(alert, at) < 0) hi = mid;
        else lo = mid + 1;
      }
      list.splice(lo, 0, alert);
      if (list.length > keep) list.pop();
    },
    end(summary) {
      out.write(render(summary, kept));
      return flushed(out);
    },
  };
}

/** Text held aside in order until the report's end: in memory, or a temporary file (WriterOptions.spool). */
export interface Spool {
  write(text: string): void;
  /** Everything written, in order; the spool is then gone. */
  read(): AsyncIterable<string | Buffer>;
  /** Removes what is held (a failed run). */
  dispose(): void;
}

/** A spool in memory, for a writer given no other. */
export function memorySpool(): Spool {
  let parts: string[] = [];
  return {
    write: (text) => void parts.push(text),
    async *read() {
      const held = parts;
      parts = [];
      yield* held;
    },
    dispose: () => { parts = []; },
  };
}

/** Writes each piece to `out`, waiting whenever it asks to drain. */
export async function pour(out: NodeJS.WritableStream, pieces: AsyncIterable<string | Buffer>): Promise<void> {
  for await (const piece of pieces) {
    if (!out.write(piece)) await new Promise<void>((resolve, reject) => {
      const done = (err?: unknown) => {
        out.off('drain', done);
        out.off('error', done);
        if (err) reject(err as Error);
        else resolve();
      };
      out.on('drain', done);
      out.on('error', done);
    });
  }
}
