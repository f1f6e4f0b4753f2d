import { escapeJsonText, stringify } from './escape.js';
import { alertJson, flushed } from './record.js';
import { rulesRecord, summaryRecord } from './run-record.js';
import type { ResultWriter, Sink, WriterOptions } from './types.js';

/**
 * One JSON object `{"version", "summary", "rules", "alerts"}`; alerts are the ndjson records,
 * one per line. Written at the end, since the summary comes first.
 */
export function jsonWriter(out: Sink, opts: WriterOptions): ResultWriter {
  const alerts: string[] = [];
  const json = (v: unknown) => escapeJsonText(stringify(v));
  return {
    write(alert) {
      alerts.push(alertJson(alert));
    },
    end(summary) {
      const head = [
        `"version":${json(opts.run?.version ?? '')}`,
        `"summary":${json(summaryRecord(summary, opts.run))}`,
        `"rules":${json(rulesRecord(summary))}`,
      ];
      out.write(`{${head.join(',\n')},\n"alerts":${alerts.length ? `[\n${alerts.join(',\n')}\n]` : '[]'}}\n`);
      return flushed(out);
    },
  };
}
