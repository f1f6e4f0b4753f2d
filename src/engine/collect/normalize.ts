import { readItems, type InputSource } from '../../input/index.js';
import { ecsDocument, Normalizer } from '../../normalize/index.js';
import { parseItem } from './documents.js';
import type { InputProblem } from '../types.js';

export interface NormalizeResult {
  documents: number;
  badLines: number;
  fileErrors: number;
  shapes: Record<string, number>;
}

/**
 * Reads every source and hands each document's ECS view (what the rules see: the
 * original fields with the mapped ones written over them) to `write`, in input order.
 */
export async function normalizeInputs(
  sources: InputSource[],
  opts: { maxLineBytes: number; normalize: boolean },
  /** May return a promise (a full output buffer): reading waits for it. */
  write: (doc: Record<string, unknown>, where: { file: string; line: number }) => Promise<void> | void,
  onProblem: (p: InputProblem) => void,
): Promise<NormalizeResult> {
  const result: NormalizeResult = { documents: 0, badLines: 0, fileErrors: 0, shapes: {} };
  const normalizer = new Normalizer(opts.normalize);
  for (const source of sources) {
    for await (const batch of readItems(source, { maxLineBytes: opts.maxLineBytes })) {
      for (const item of batch) {
        if (item.kind === 'error' || item.kind === 'bad') {
          result[item.kind === 'error' ? 'fileErrors' : 'badLines']++;
          onProblem({ kind: item.kind === 'error' ? 'file' : 'line', file: source.path, ...(item.line === undefined ? {} : { line: item.line }), reason: item.reason });
          continue;
        }
        const parsed = parseItem(item);
        if ('reason' in parsed) {
          result.badLines++;
          onProblem({ kind: 'line', file: source.path, line: item.line, reason: parsed.reason });
          continue;
        }
        let ecs: Record<string, unknown>;
        let shape: string;
        try {
          const n = normalizer.normalize(parsed.doc);
          shape = n.shape;
          ecs = ecsDocument(n, parsed.doc);
        } catch (err) {
          // Only a value nested deeper than the call stack gets here; it is that line's problem.
          if (!(err instanceof RangeError)) throw err;
          result.badLines++;
          onProblem({ kind: 'line', file: source.path, line: item.line, reason: 'value nested too deeply to normalize' });
          continue;
        }
        result.documents++;
        result.shapes[shape] = (result.shapes[shape] ?? 0) + 1;
        const pending = write(ecs, { file: source.path, line: item.line });
        if (pending) await pending;
      }
    }
  }
  return result;
}
