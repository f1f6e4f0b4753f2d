import { escapeJsonText, stringify } from './escape.js';
import { alertJson, flushed, memorySpool, pour } from './record.js';
import { rulesRecord, summaryRecord } from './run-record.js';
import type { ResultWriter, Sink, WriterOptions } from './types.js';

/**
 * One JSON object `{"version", "summary", "rules", "alerts"}`; alerts are the ndjson records,
 * one per line. The summary comes first, so the records wait in a spool (a temporary file
 * from the command: bounded memory) and are poured out after it at the end.
 */
export function jsonWriter(out: Sink, opts: WriterOptions): ResultWriter {
  const spool = opts.spool?.() ?? memorySpool();
  let count = 0;
  const json = (v: unknown) => escapeJsonText(stringify(v));
  return {
    write(alert) {
      spool.write(`${count++ ? ',\n' : ''}${alertJson(alert)}`);
    },
    async end(summary) {
      const head = [
        `"version":${json(opts.run?.version ?? '')}`,
        `"summary":${json(summaryRecord(summary, opts.run))}`,
        `"rules":${json(rulesRecord(summary))}`,
      ];
      try {
        if (count === 0) out.write(`{${head.join(',\n')},\n"alerts":[]}\n`);
        else {
          out.write(`{${head.join(',\n')},\n"alerts":[\n`);
          await pour(out, spool.read());
          out.write('\n]}\n');
        }
      } finally {
        spool.dispose();
      }
      return flushed(out);
    },
  };
}
