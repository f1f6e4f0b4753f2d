import { alertJson, flushed } from './record.js';
import type { ResultWriter, Sink } from './types.js';

/** A single JSON array of results, one per line, valid JSON even when empty. */
export function jsonWriter(out: Sink): ResultWriter {
  let count = 0;
  return {
    write(alert) {
      out.write((count++ === 0 ? '[\n' : ',\n') + alertJson(alert));
    },
    end() {
      out.write(count === 0 ? '[]\n' : '\n]\n');
      return flushed(out);
    },
  };
}
