import { safeJson } from './escape.js';
import { alertRecord, flushed } from './record.js';
import { rulesRecord, summaryRecord } from './run-record.js';
import type { ResultWriter, Sink, WriterOptions } from './types.js';

/**
 * One JSON object `{"version", "summary", "rules", "alerts"}`; alerts are the ndjson records,
 * one per line. Written at the end, since the summary comes first.
 */
export function jsonWriter(out: Sink, opts: WriterOptions): ResultWriter {
  const alerts: string[] = [];
  return {
    write(alert) {
      alerts.push(safeJson(alertRecord(alert)));
    },
    end(summary) {
      const head = [
        `"version":${safeJson(opts.run?.version ?? '')}`,
        `"summary":${safeJson(summaryRecord(summary, opts.run))}`,
        `"rules":${safeJson(rulesRecord(summary))}`,
      ];
      out.write(`{${head.join(',\n')},\n"alerts":${alerts.length ? `[\n${alerts.join(',\n')}\n]` : '[]'}}\n`);
      return flushed(out);
    },
  };
}
