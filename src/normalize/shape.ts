import { getField } from './document.js';

/**
 * The document shapes lolhunt tells apart:
 * - `ecs`: anything else (Elastic Defend, Elastic Agent, generic ECS): read as is;
 * - `ecs-winlog`: ECS from a Windows event log (winlogbeat's module or the ingest pipeline:
 *   `winlog` beside `event.category`): read as is, plus `host.os.type` and GUID case;
 * - `winlogbeat-raw`: `winlog.event_data`/`winlog.event_id` without `event.category`;
 * - `sysmon-flat`: `EventID` at the top level (NXLog, Logstash exports), or PowerShell's
 *   `Id` beside `ProviderName`/`LogName`;
 * - `evtx-dump`: `Event.System` (evtx_dump's JSON).
 */
export type ShapeName = 'ecs' | 'ecs-winlog' | 'winlogbeat-raw' | 'sysmon-flat' | 'evtx-dump';

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A few own-property tests: ECS documents pay nothing more. */
export function detectShape(doc: Record<string, unknown>): ShapeName {
  if (hasOwn(doc, 'winlog') || hasOwn(doc, 'winlog.event_id') || hasOwn(doc, 'winlog.channel')) {
    return getField(doc, 'event.category') === undefined ? 'winlogbeat-raw' : 'ecs-winlog';
  }
  if (hasOwn(doc, 'EventID') || hasOwn(doc, 'EventId')) return 'sysmon-flat';
  // PowerShell's Get-WinEvent objects, flattened: `Id` beside `ProviderName` or `LogName`.
  if (hasOwn(doc, 'Id') && (hasOwn(doc, 'ProviderName') || hasOwn(doc, 'LogName'))) return 'sysmon-flat';
  if (hasOwn(doc, 'Event') && isObject(doc.Event) && isObject(doc.Event.System)) return 'evtx-dump';
  return 'ecs';
}

/** Keys whose presence can make a document a mapped shape, as they appear in raw JSON text. */
const MAPPED_KEYS = ['"winlog', '"EventID"', '"EventId"', '"Event"', '"Id"'];

/**
 * Could this raw JSON text be a document that is mapped to ECS? A prefilter that skips lines
 * lacking a rule's literals must parse these anyway: their ECS values (`"process"`,
 * `"windows"`) are not in the text. Conservative for text without JSON escapes (`\u0045`),
 * which a prefilter parses in any case.
 */
export function mayBeMapped(text: string): boolean {
  for (const k of MAPPED_KEYS) if (text.includes(k)) return true;
  return false;
}
