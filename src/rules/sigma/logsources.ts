/**
 * Sigma log sources → the EQL filter an event must pass, as data.
 *
 * Sources:
 * - Windows services → event-log channels: pySigma's `windows_logsource_mapping`
 *   (sigma/pipelines/common.py, SigmaHQ/pySigma), the table every Windows backend uses.
 * - Categories → Sysmon event ids: pySigma's Sysmon pipeline
 *   (sigma/pipelines/sysmon/sysmon.py, `sysmon_generic_logsource_eventid_mapping`) and the
 *   Sigma taxonomy (SigmaHQ/sigma-specification, appendix "Log sources").
 * - Categories → ECS: what lolhunt's normalizer gives for those Sysmon events
 *   (src/normalize/maps/sysmon.ts, itself Elastic's sysmon_operational pipeline), which is
 *   also what Elastic Defend writes for the same activity, so one filter serves both.
 *
 * A filter is EQL: an event category (`process where`) and a condition. `os` adds
 * `host.os.type == "<os>"` (set by the normalizer for Windows event logs, by Elastic Defend
 * and the Elastic Agent for every event).
 */

export interface SourceFilter {
  /** `process where ...`; null: `any where ...`. */
  category: string | null;
  /** EQL condition text (parsed with the rule), or '' for none. */
  condition: string;
}

const SYSMON = '"Microsoft-Windows-Sysmon"';
/** Sysmon event ids the normalizer has no ECS category for: the event's code and provider. */
const sysmon = (...ids: number[]): SourceFilter => ({
  category: null,
  condition: `event.provider == ${SYSMON} and event.code in (${ids.map((i) => `"${i}"`).join(', ')})`,
});
const channel = (...names: string[]): string => `winlog.channel in~ (${names.map((n) => JSON.stringify(n)).join(', ')})`;

/** Categories, whatever the product (the product then adds its `host.os.type`). */
export const CATEGORIES: Record<string, SourceFilter> = {
  // Sysmon 1, Security 4688, Elastic Defend process start.
  process_creation: { category: 'process', condition: 'event.type == "start"' },
  // Sysmon 5, Elastic Defend process end.
  process_termination: { category: 'process', condition: 'event.type == "end"' },
  // Sysmon 3 (its DNS events, 22, have no "start" type), Elastic Defend connections.
  network_connection: { category: 'network', condition: 'event.type == "start"' },
  // Sysmon 22, Elastic Defend DNS lookups.
  dns_query: { category: 'network', condition: 'dns.question.name != null' },
  dns: { category: 'network', condition: 'dns.question.name != null' },
  // Sysmon 11 (17, pipe creation, is mapped to file creation too but has no file.path).
  file_event: { category: 'file', condition: 'event.type == "creation"' },
  file_create: { category: 'file', condition: 'event.type == "creation"' },
  // Sysmon 2.
  file_change: { category: 'file', condition: 'event.type == "change"' },
  // Sysmon 23 and 26.
  file_delete: { category: 'file', condition: 'event.type == "deletion"' },
  // Sysmon 7 (ImageLoaded as dll.path), Elastic Defend library loads.
  image_load: { category: null, condition: 'dll.path != null' },
  // Sysmon 6.
  driver_load: { category: 'driver', condition: '' },
  // Sysmon 10.
  process_access: { category: 'process', condition: 'event.type == "access"' },
  // Sysmon 12, 13, 14.
  registry_event: { category: 'registry', condition: '' },
  // Sysmon 13 (12 and 14 are changes too in ECS: they are left out by code).
  registry_set: { category: 'registry', condition: 'event.type == "change" and not event.code in ("12", "14")' },
  // Sysmon 12 with EventType CreateKey / DeleteKey or DeleteValue (pySigma's Sysmon pipeline adds the same).
  registry_add: { category: 'registry', condition: 'event.code == "12" and winlog.event_data.EventType : "CreateKey"' },
  registry_delete: { category: 'registry', condition: 'event.code == "12" and winlog.event_data.EventType : ("DeleteKey", "DeleteValue")' },
  // Sysmon 14.
  registry_rename: { category: 'registry', condition: 'event.code == "14"' },
  create_remote_thread: sysmon(8),
  raw_access_thread: sysmon(9),
  create_stream_hash: sysmon(15),
  pipe_created: sysmon(17, 18),
  wmi_event: sysmon(19, 20, 21),
  clipboard_capture: sysmon(24),
  process_tampering: sysmon(25),
  file_block_executable: sysmon(27),
  file_block_shredding: sysmon(28),
  file_executable_detected: sysmon(29),
  sysmon_status: sysmon(4, 16),
  sysmon_error: sysmon(255),
  // PowerShell: script block logging 4104, module logging 4103, classic engine events 400/600.
  ps_script: { category: null, condition: `${channel('Microsoft-Windows-PowerShell/Operational', 'PowerShellCore/Operational')} and event.code == "4104"` },
  ps_module: { category: null, condition: `${channel('Microsoft-Windows-PowerShell/Operational', 'PowerShellCore/Operational')} and event.code == "4103"` },
  ps_classic_start: { category: null, condition: `${channel('Windows PowerShell')} and event.code == "400"` },
  ps_classic_provider_start: { category: null, condition: `${channel('Windows PowerShell')} and event.code == "600"` },
  ps_classic_script: { category: null, condition: `${channel('Windows PowerShell')} and event.code == "800"` },
  // Microsoft-Windows-Kernel-File/Analytic (no Sysmon equivalent).
  file_access: { category: null, condition: channel('Microsoft-Windows-Kernel-File/Analytic') },
  file_rename: { category: null, condition: channel('Microsoft-Windows-Kernel-File/Analytic') },
};

/** Windows services → event-log channels (pySigma's windows_logsource_mapping). */
export const WINDOWS_SERVICES: Record<string, string[]> = {
  security: ['Security'],
  application: ['Application'],
  system: ['System'],
  sysmon: ['Microsoft-Windows-Sysmon/Operational'],
  powershell: ['Microsoft-Windows-PowerShell/Operational', 'PowerShellCore/Operational'],
  'powershell-classic': ['Windows PowerShell'],
  taskscheduler: ['Microsoft-Windows-TaskScheduler/Operational'],
  wmi: ['Microsoft-Windows-WMI-Activity/Operational'],
  'dns-server': ['DNS Server'],
  'dns-server-audit': ['Microsoft-Windows-DNS-Server/Audit'],
  'dns-server-analytic': ['Microsoft-Windows-DNS-Server/Analytical'],
  'driver-framework': ['Microsoft-Windows-DriverFrameworks-UserMode/Operational'],
  ntlm: ['Microsoft-Windows-NTLM/Operational'],
  dhcp: ['Microsoft-Windows-DHCP-Server/Operational'],
  'msexchange-management': ['MSExchange Management'],
  applocker: [
    'Microsoft-Windows-AppLocker/MSI and Script',
    'Microsoft-Windows-AppLocker/EXE and DLL',
    'Microsoft-Windows-AppLocker/Packaged app-Deployment',
    'Microsoft-Windows-AppLocker/Packaged app-Execution',
  ],
  'printservice-admin': ['Microsoft-Windows-PrintService/Admin'],
  'printservice-operational': ['Microsoft-Windows-PrintService/Operational'],
  'codeintegrity-operational': ['Microsoft-Windows-CodeIntegrity/Operational'],
  'smbclient-security': ['Microsoft-Windows-SmbClient/Security'],
  'firewall-as': ['Microsoft-Windows-Windows Firewall With Advanced Security/Firewall'],
  'bits-client': ['Microsoft-Windows-Bits-Client/Operational'],
  windefend: ['Microsoft-Windows-Windows Defender/Operational'],
  'terminalservices-localsessionmanager': ['Microsoft-Windows-TerminalServices-LocalSessionManager/Operational'],
  'microsoft-servicebus-client': ['Microsoft-ServiceBus-Client'],
  ldap_debug: ['Microsoft-Windows-LDAP-Client/Debug'],
  'security-mitigations': ['Microsoft-Windows-Security-Mitigations/Kernel Mode', 'Microsoft-Windows-Security-Mitigations/User Mode'],
  'diagnosis-scripted': ['Microsoft-Windows-Diagnosis-Scripted/Operational'],
  'shell-core': ['Microsoft-Windows-Shell-Core/Operational'],
  openssh: ['OpenSSH/Operational'],
  bitlocker: ['Microsoft-Windows-BitLocker/BitLocker Management'],
  vhdmp: ['Microsoft-Windows-VHDMP/Operational'],
  'appxdeployment-server': ['Microsoft-Windows-AppXDeploymentServer/Operational'],
  'lsa-server': ['Microsoft-Windows-LSA/Operational'],
  'appxpackaging-om': ['Microsoft-Windows-AppxPackaging/Operational'],
  'dns-client': ['Microsoft-Windows-DNS Client Events/Operational'],
  'appmodel-runtime': ['Microsoft-Windows-AppModel-Runtime/Admin'],
  capi2: ['Microsoft-Windows-CAPI2/Operational'],
  'certificateservicesclient-lifecycle-system': ['Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational'],
  // Also in SigmaHQ's rules, named after their channels (sigma/documentation/logsource-guides).
  'iis-configuration': ['Microsoft-IIS-Configuration/Operational'],
  smbserver: ['Microsoft-Windows-SMBServer/Operational'],
  'smbserver-connectivity': ['Microsoft-Windows-SmbServer/Connectivity'],
  'terminalservices-rdpclient': ['Microsoft-Windows-TerminalServices-RDPClient/Operational'],
  ldap: ['Microsoft-Windows-LDAP-Client/Debug'],
};

/** Products whose events carry `host.os.type`. */
export const OS_PRODUCTS: Record<string, string> = { windows: 'windows', linux: 'linux', macos: 'macos' };

/** The filter of a log source, or a reason it has none. */
export function sourceFilter(product: string, category: string, service: string): SourceFilter | { unsupported: string } {
  const os = OS_PRODUCTS[product];
  const describe = [product && `product: ${product}`, category && `category: ${category}`, service && `service: ${service}`].filter(Boolean).join(', ');
  if (!os) return { unsupported: `log source (${describe || 'empty'}): lolhunt maps Windows, Linux and macOS endpoint logs only` };
  const conds: string[] = [`host.os.type == "${os}"`];
  let cat: string | null = null;
  if (category) {
    const c = CATEGORIES[category];
    if (!c) return { unsupported: `log source category '${category}' has no mapping` };
    cat = c.category;
    if (c.condition) conds.push(c.condition);
  }
  if (service) {
    const channels = os === 'windows' ? WINDOWS_SERVICES[service] : undefined;
    if (!channels) return { unsupported: `log source (${describe}): service '${service}' has no mapping` };
    conds.push(channel(...channels));
  }
  return { category: cat, condition: conds.join(' and ') };
}
