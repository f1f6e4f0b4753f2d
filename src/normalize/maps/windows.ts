import type { FieldRules } from './types.js';

/**
 * Mapped for every Windows event-log document whatever its channel: the ECS event header and
 * winlogbeat's `winlog.*` header fields (winlogbeat 8.x's winlog processor: `winlog.event_id`
 * and `winlog.record_id` as strings, as Elastic's ingest pipelines convert them). The event
 * data itself is `winlog.event_data.*` (and `winlog.user_data.*`), read by the normalizer.
 */
export const WINDOWS_COMMON: FieldRules = {
  '@timestamp': 'sys:created|date',
  'event.code': 'sys:code|string',
  'event.kind': '=event',
  'event.provider': 'sys:provider',
  // Audit Success / Audit Failure keywords (only Security events carry them).
  'event.outcome': 'sys:keywords|auditOutcome',
  'host.name': 'sys:computer',
  'winlog.channel': 'sys:channel',
  'winlog.event_id': 'sys:code|string',
  'winlog.provider_name': 'sys:provider',
  'winlog.computer_name': 'sys:computerName',
  'winlog.record_id': 'sys:recordId|string',
  'winlog.process.pid': 'sys:pid|long',
  'winlog.process.thread.id': 'sys:tid|long',
  'winlog.user.identifier': 'sys:userId',
};

/** Set only when the document has no value of its own (Elastic's Windows rules require it). */
export const WINDOWS_DEFAULTS: Record<string, string> = {
  'host.os.type': 'windows',
  'host.os.family': 'windows',
};
