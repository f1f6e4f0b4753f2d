import { alertJson, flushed } from './record.js';
import type { ResultWriter, Sink } from './types.js';

/** One JSON object per line, written as each result is final. */
export function ndjsonWriter(out: Sink): ResultWriter {
  return {
    write(alert) {
      out.write(alertJson(alert) + '\n');
    },
    end: () => flushed(out),
  };
}
