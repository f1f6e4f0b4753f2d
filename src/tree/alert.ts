import type { Alert } from '../engine/index.js';
import { ecsDocument, type Normalizer } from '../normalize/index.js';
import { processInfoOf, processRefOf } from './fields.js';
import type { ProcessInfo, ProcessRef } from './types.js';

/** The process an alert is about: that of its first event naming one (entity id, else pid), read through the ECS view the rules saw. */
export function alertProcess(alert: Alert, normalizer: Normalizer, timestampField: string): { ref: ProcessRef; seen: ProcessInfo } | undefined {
  for (const e of alert.events) {
    if (e.missing || typeof e.source !== 'object' || e.source === null || Array.isArray(e.source)) continue;
    const source = e.source as Record<string, unknown>;
    const doc = ecsDocument(normalizer.normalize(source), source);
    const ref = processRefOf(doc, timestampField);
    if (ref) return { ref, seen: processInfoOf(doc, ref) };
  }
  return undefined;
}
