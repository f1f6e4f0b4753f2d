import type { Alert, ScanSummary } from '../engine/index.js';
import { escapeJsonText, stringify } from './escape.js';
import type { ResultWriter } from './types.js';

/**
 * Said after `source` when the line's bytes were not valid UTF-8: `source` is then the line
 * decoded, with U+FFFD for each invalid sequence, not the bytes (docs/decisions.md).
 */
const INVALID_UTF8 = ',"source_encoding":"invalid-utf8-replaced"';

/**
 * One alert as JSON text, in the documented shape (key order is part of the contract). An
 * event's `source` is its original line, verbatim, so the evidence keeps its exact numbers,
 * duplicate keys and escapes; only elements of JSON-array files are serialised again. A line
 * that was not valid UTF-8 says so (INVALID_UTF8).
 */
export function alertJson(alert: Alert): string {
  const fields: string[] = [];
  if (alert.rule) {
    const r = alert.rule;
    fields.push(`"rule":${stringify({ id: r.id, name: r.name, severity: r.severity, risk_score: r.riskScore, threat: r.threat })}`);
  }
  fields.push(`"join_keys":${stringify(alert.joinKeys)}`, `"@timestamp":${JSON.stringify(alert.timestamp)}`);
  const events = alert.events.map((e) => e.missing
    ? '{"missing":true}'
    : `{"file":${JSON.stringify(e.file)},"line":${e.line},"@timestamp":${JSON.stringify(e.timestamp)},"source":${e.raw?.trim() ?? stringify(e.source)}${e.invalidUtf8 ? INVALID_UTF8 : ''}}`);
  fields.push(`"events":[${events.join(',')}]`);
  return escapeJsonText(`{${fields.join(',')}}`);
}

/** Resolves when everything written so far has been flushed. */
export function flushed(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    out.write('', (err?: Error | null) => (err ? reject(err) : resolve()));
  });
}

/** A report that needs every alert before it can say anything: alerts are kept, and `render` writes the whole report at the end. */
export function reportWriter(out: NodeJS.WritableStream, render: (summary: ScanSummary, alerts: Alert[]) => string): ResultWriter {
  const alerts: Alert[] = [];
  return {
    write(alert) {
      alerts.push(alert);
    },
    end(summary) {
      out.write(render(summary, alerts));
      return flushed(out);
    },
  };
}
