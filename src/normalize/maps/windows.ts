import type { FieldRules } from './types.js';

/** Mapped for every Windows event-log document whatever its channel. */
export const WINDOWS_COMMON: FieldRules = {
  '@timestamp': 'sys:created|date',
  'event.code': 'sys:code|string',
  'event.kind': '=event',
  'event.provider': 'sys:provider',
  'host.name': 'sys:computer',
};

/** Set only when the document has no value of its own (Elastic's Windows rules require it). */
export const WINDOWS_DEFAULTS: Record<string, string> = {
  'host.os.type': 'windows',
  'host.os.family': 'windows',
};
