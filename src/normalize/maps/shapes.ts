import type { ShapeMap } from './types.js';

/** The Windows event-log shapes lolhunt maps to ECS, and where each keeps its fields. */
export const SHAPES: Record<'winlogbeat-raw' | 'sysmon-flat' | 'evtx-dump', ShapeMap> = {
  // winlogbeat 8.x without the ingest pipeline: winlog.event_data.*, ids as strings.
  'winlogbeat-raw': {
    eventData: 'winlog.event_data',
    system: {
      code: ['winlog.event_id', 'event.code'],
      channel: ['winlog.channel'],
      provider: ['winlog.provider_name', 'event.provider'],
      // The beat's own host.name first: Elastic's pipeline keeps it.
      computer: ['host.name', 'winlog.computer_name'],
      created: ['winlog.time_created', '@timestamp'],
    },
  },
  // NXLog / Logstash / PowerShell exports: every field at the top level (the OTRF sets).
  'sysmon-flat': {
    eventData: '',
    system: {
      code: ['EventID', 'EventId', 'Id'],
      channel: ['Channel', 'LogName'],
      provider: ['SourceName', 'ProviderName', 'Provider'],
      computer: ['Hostname', 'Computer', 'ComputerName', 'MachineName'],
      created: ['@timestamp', 'TimeCreated'],
    },
  },
  // omerbenamram/evtx `evtx_dump -o json|jsonl` (what Chainsaw and Hayabusa build on).
  'evtx-dump': {
    eventData: 'Event.EventData',
    system: {
      code: ['Event.System.EventID.#text', 'Event.System.EventID'],
      channel: ['Event.System.Channel'],
      provider: ['Event.System.Provider.#attributes.Name', 'Event.System.Provider_attributes.Name'],
      computer: ['Event.System.Computer'],
      created: ['Event.System.TimeCreated.#attributes.SystemTime', 'Event.System.TimeCreated_attributes.SystemTime'],
    },
  },
};
