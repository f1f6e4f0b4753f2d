import type { ShapeMap } from './types.js';

/** The Windows event-log shapes lolhunt maps to ECS, and where each keeps its fields. */
export const SHAPES: Record<'winlogbeat-raw' | 'sysmon-flat' | 'evtx-dump', ShapeMap> = {
  // winlogbeat 8.x without the ingest pipeline: winlog.event_data.*, ids as strings.
  'winlogbeat-raw': {
    eventData: 'winlog.event_data',
    userData: 'winlog.user_data',
    system: {
      code: ['winlog.event_id', 'event.code'],
      channel: ['winlog.channel'],
      provider: ['winlog.provider_name', 'event.provider'],
      // The beat's own host.name first: Elastic's pipeline keeps it.
      computer: ['host.name', 'winlog.computer_name'],
      computerName: ['winlog.computer_name', 'host.name'],
      created: ['winlog.time_created', '@timestamp'],
      recordId: ['winlog.record_id'],
      pid: ['winlog.process.pid'],
      tid: ['winlog.process.thread.id'],
      keywords: ['winlog.keywords'],
      userId: ['winlog.user.identifier'],
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
      computerName: ['Hostname', 'Computer', 'ComputerName', 'MachineName'],
      created: ['@timestamp', 'TimeCreated'],
      recordId: ['RecordNumber', 'RecordId', 'EventRecordID'],
      pid: ['ExecutionProcessID'],
      tid: ['ExecutionThreadID'],
      keywords: ['Keywords', 'EventType', 'KeywordsDisplayNames'],
      userId: ['UserID', 'UserId'],
    },
    // NXLog's, Logstash's and Get-WinEvent's own keys: not event data.
    headerKeys: [
      '@timestamp', '@version', 'host', 'port', 'tags', 'type', 'message', 'Message', 'EventID', 'EventId', 'Id', 'Channel', 'LogName',
      'SourceName', 'ProviderName', 'Provider', 'ProviderGuid', 'Hostname', 'Computer', 'ComputerName', 'MachineName', 'EventTime',
      'EventReceivedTime', 'TimeCreated', 'SourceModuleName', 'SourceModuleType', 'Keywords', 'KeywordsDisplayNames', 'EventType',
      'SeverityValue', 'Severity', 'Version', 'Task', 'TaskDisplayName', 'OpcodeValue', 'Opcode', 'OpcodeDisplayName', 'RecordNumber',
      'RecordId', 'EventRecordID', 'ExecutionProcessID', 'ExecutionThreadID', 'Category', 'AccountName', 'AccountType', 'Domain',
      'UserID', 'UserId', 'Level', 'LevelDisplayName', 'Properties',
    ],
  },
  // omerbenamram/evtx `evtx_dump -o json|jsonl` (what Chainsaw and Hayabusa build on).
  'evtx-dump': {
    eventData: 'Event.EventData',
    userData: 'Event.UserData',
    system: {
      code: ['Event.System.EventID.#text', 'Event.System.EventID'],
      channel: ['Event.System.Channel'],
      provider: ['Event.System.Provider.#attributes.Name', 'Event.System.Provider_attributes.Name'],
      computer: ['Event.System.Computer'],
      computerName: ['Event.System.Computer'],
      created: ['Event.System.TimeCreated.#attributes.SystemTime', 'Event.System.TimeCreated_attributes.SystemTime'],
      recordId: ['Event.System.EventRecordID'],
      pid: ['Event.System.Execution.#attributes.ProcessID', 'Event.System.Execution_attributes.ProcessID'],
      tid: ['Event.System.Execution.#attributes.ThreadID', 'Event.System.Execution_attributes.ThreadID'],
      keywords: ['Event.System.Keywords'],
      userId: ['Event.System.Security.#attributes.UserID', 'Event.System.Security_attributes.UserID'],
    },
  },
};
