/**
 * Sigma field names → the ECS fields lolhunt's events carry, as data.
 *
 * Sources:
 * - pySigma-backend-elasticsearch's `ecs_windows` pipeline (sigma/pipelines/elasticsearch/
 *   windows.py): the Sigma → ECS names, and its rule for the rest: `winlog.event_data.<Name>`,
 *   where winlogbeat keeps a Windows event's data.
 * - Elastic's Sysmon and Security ingest pipelines as lolhunt's normalizer reproduces them
 *   (src/normalize/maps/sysmon.ts, security.ts, windows.ts): a Sigma field maps to an ECS field
 *   only where that field holds the same text the Sigma field would. Where ECS splits or
 *   rewrites the value (`User` → user.name drops the domain, `Hashes` → one field per
 *   algorithm, `Initiated` → network.direction, `QueryResults` → dns.resolved_ip) the raw
 *   `winlog.event_data.<Name>` is kept, since rules match the original text.
 */

/** Every log source (Linux and macOS rules use the same process and network names). */
export const WINDOWS_FIELDS: Record<string, string> = {
  EventID: 'event.code',
  Provider_Name: 'event.provider',
  Channel: 'winlog.channel',
  Computer: 'host.name',
  ComputerName: 'host.name',
  Image: 'process.executable',
  CommandLine: 'process.command_line',
  ParentImage: 'process.parent.executable',
  ParentCommandLine: 'process.parent.command_line',
  CurrentDirectory: 'process.working_directory',
  ProcessId: 'process.pid',
  ParentProcessId: 'process.parent.pid',
  OriginalFileName: 'process.pe.original_file_name',
  Company: 'process.pe.company',
  Description: 'process.pe.description',
  Product: 'process.pe.product',
  FileVersion: 'process.pe.file_version',
  TargetFilename: 'file.path',
  SourceImage: 'process.executable',
  DestinationIp: 'destination.ip',
  DestinationPort: 'destination.port',
  DestinationHostname: 'destination.domain',
  DestinationPortName: 'network.protocol',
  SourceIp: 'source.ip',
  SourcePort: 'source.port',
  SourceHostname: 'source.domain',
  Protocol: 'network.transport',
  QueryName: 'dns.question.name',
  TargetObject: 'registry.path',
  Details: 'registry.data.strings',
  RuleName: 'rule.name',
  // Security log, as the normalizer maps it (SubjectUserName is user.name for every Security event).
  SubjectUserName: 'user.name',
  SubjectDomainName: 'user.domain',
  SubjectUserSid: 'user.id',
  NewProcessName: 'process.executable',
  ParentProcessName: 'process.parent.executable',
};

/** Per log-source category, where a field means something else than in WINDOWS_FIELDS. */
export const CATEGORY_FIELDS: Record<string, Record<string, string>> = {
  image_load: {
    ImageLoaded: 'dll.path',
    OriginalFileName: 'dll.pe.original_file_name',
    Company: 'dll.pe.company',
    Description: 'dll.pe.description',
    Product: 'dll.pe.product',
    FileVersion: 'dll.pe.file_version',
    Signed: 'dll.code_signature.signed',
    Signature: 'dll.code_signature.subject_name',
    SignatureStatus: 'dll.code_signature.status',
  },
  driver_load: { ImageLoaded: 'file.path' },
  raw_access_thread: { Device: 'file.path' },
  pipe_created: { PipeName: 'file.name' },
  // The Security log's 4688 only: elsewhere ProcessName is a field of its own.
  process_creation: { ProcessName: 'process.executable' },
};

/**
 * Per Windows service, fields Sigma names otherwise than the log does. Defender's
 * Operational log names its event data with spaces (`<Data Name="Source Name">`, as in the
 * regression event of rule a7c3e5f2 and Microsoft's event reference), winlogbeat keeps those
 * names under winlog.event_data, and SigmaHQ's windefend rules write them without the spaces
 * (SourceName, ThreatName, ProcessName, NewValue, OldValue) or with underscores (Feature_Name):
 * such a name reads the spaced key (printed backquoted: winlog.event_data.`Source Name`).
 */
const DEFENDER_DATA = ['Product Name', 'Product Version', 'Detection ID', 'Detection Time', 'Threat ID', 'Threat Name', 'Severity ID',
  'Severity Name', 'Category ID', 'Category Name', 'Status Code', 'Status Description', 'Source ID', 'Source Name', 'Process Name',
  'Detection User', 'Origin ID', 'Origin Name', 'Execution ID', 'Execution Name', 'Type ID', 'Type Name', 'Pre Execution Status',
  'Action ID', 'Action Name', 'Error Code', 'Error Description', 'Post Clean Status', 'Additional Actions ID',
  'Additional Actions String', 'Remediation User', 'Security intelligence Version', 'Engine Version', 'Old Value', 'New Value',
  'Feature Name'];
export const SERVICE_FIELDS: Record<string, Record<string, string>> = {
  windefend: Object.fromEntries(DEFENDER_DATA.flatMap((n) => ['', '_'].map((sep) => [n.replaceAll(' ', sep), `winlog.event_data.${n}`]))),
};

/**
 * Fields whose ECS equivalent holds other words for the same values: a plain value (no
 * modifier) found here reads the ECS field with the ECS word. Sysmon's `Initiated` is
 * `network.direction` in Elastic's Sysmon pipeline (and lolhunt's normalizer, transform
 * `direction`) and in Elastic Defend. Other values, or modifiers, read winlog.event_data.
 */
export const VALUE_FIELDS: Record<string, { field: string; values: Record<string, string> }> = {
  Initiated: { field: 'network.direction', values: { true: 'egress', false: 'ingress' } },
};

/** Where a field with no ECS equivalent is read (pySigma's ecs_windows pipeline does the same). */
export const FALLBACK_PREFIX = 'winlog.event_data.';

/** The ECS field and values for these plain values of a Sigma field, when VALUE_FIELDS knows them all. */
export function mapValues(name: string, product: string, values: (string | number | boolean | null)[]): { field: string; values: string[] } | null {
  const vf = product === 'windows' ? ownValue(VALUE_FIELDS, name) : undefined;
  if (!vf) return null;
  const out: string[] = [];
  for (const v of values) {
    const key = String(v).toLowerCase();
    const mapped = ownValue(vf.values, key);
    if (v === null || mapped === undefined) return null;
    out.push(mapped);
  }
  return { field: vf.field, values: out };
}

/** A table's own entry for `key` (`constructor`, `__proto__` and the like are no field names). */
function ownValue<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** The event field a Sigma field of this log source reads. */
export function mapField(name: string, product: string, category: string, service = ''): string {
  const byService = product === 'windows' ? ownValue(SERVICE_FIELDS, service) : undefined;
  const mapped = (byService && ownValue(byService, name)) ?? ownValue(CATEGORY_FIELDS[category] ?? {}, name) ?? ownValue(WINDOWS_FIELDS, name);
  if (mapped !== undefined) return mapped;
  // Linux and macOS rules mostly use ECS-like names already; only Windows has winlog.
  return product === 'windows' ? FALLBACK_PREFIX + name : name;
}
