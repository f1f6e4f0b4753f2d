import type { ChannelMap } from './types.js';

const hashes = (prefix: string) => ({
  [`${prefix}.hash.md5`]: 'Hashes|md5',
  [`${prefix}.hash.sha1`]: 'Hashes|sha1',
  [`${prefix}.hash.sha256`]: 'Hashes|sha256',
  [`${prefix}.pe.imphash`]: 'Hashes|imphash',
});

/**
 * Sysmon (Microsoft-Windows-Sysmon/Operational), field for field as Elastic's
 * sysmon_operational ingest pipeline maps it; categories per event id likewise (every id
 * its table names, 1-29 and 255: elastic/integrations packages/windows/data_stream/
 * sysmon_operational/elasticsearch/ingest_pipeline/default.yml).
 */
export const SYSMON: ChannelMap = {
  name: 'sysmon',
  channels: ['Microsoft-Windows-Sysmon/Operational'],
  providers: ['Microsoft-Windows-Sysmon'],
  common: {
    '@timestamp': ['UtcTime|date', 'sys:created|date'],
    'event.module': '=sysmon',
    // The Elastic Agent integration's data stream (Elastic's rules test it).
    'event.dataset': '=windows.sysmon_operational',
    'data_stream.dataset': '=windows.sysmon_operational',
    'rule.name': 'RuleName',
    'process.entity_id': ['ProcessGuid|guid', 'SourceProcessGuid|guid', 'SourceProcessGUID|guid'],
    'process.pid': ['ProcessId|long', 'SourceProcessId|long'],
    'process.executable': ['Image', 'SourceImage'],
    'process.name': ['Image|basename', 'SourceImage|basename'],
    'process.command_line': 'CommandLine',
    'process.args': 'CommandLine|args',
    'process.args_count': 'CommandLine|argsCount',
    'process.working_directory': 'CurrentDirectory',
    'process.parent.entity_id': 'ParentProcessGuid|guid',
    'process.parent.pid': 'ParentProcessId|long',
    'process.parent.executable': 'ParentImage',
    'process.parent.name': 'ParentImage|basename',
    'process.parent.command_line': 'ParentCommandLine',
    'process.parent.args': 'ParentCommandLine|args',
    'process.parent.args_count': 'ParentCommandLine|argsCount',
    'user.domain': 'User|userDomain',
    'user.name': 'User|userName',
    'network.transport': 'Protocol',
    'network.protocol': ['DestinationPortName', 'SourcePortName'],
    'network.direction': 'Initiated|direction',
    'network.type': 'SourceIsIpv6|ipType',
    'source.ip': 'SourceIp',
    'source.domain': 'SourceHostname',
    'source.port': 'SourcePort|long',
    'destination.ip': 'DestinationIp',
    'destination.domain': 'DestinationHostname',
    'destination.port': 'DestinationPort|long',
    'file.path': ['TargetFilename', 'Device'],
    'file.name': ['TargetFilename|basename', 'Device|basename'],
    'file.directory': 'TargetFilename|dirname',
    'file.extension': 'TargetFilename|extension',
  },
  events: {
    '1': {
      category: ['process'], type: ['start'], action: 'Process creation',
      fields: {
        ...hashes('process'),
        'process.pe.original_file_name': 'OriginalFileName',
        'process.pe.company': 'Company',
        'process.pe.description': 'Description',
        'process.pe.file_version': 'FileVersion',
        'process.pe.product': 'Product',
      },
    },
    '2': { category: ['file'], type: ['change'], action: 'A process changed a file creation time' },
    '3': { category: ['network'], type: ['start', 'connection', 'protocol'], action: 'Network connection' },
    '4': { category: ['process'], type: ['change'], action: 'Sysmon service state changed' },
    '5': { category: ['process'], type: ['end'], action: 'Process terminated' },
    '6': { category: ['driver'], type: ['start'], action: 'Driver loaded', fields: { 'file.path': 'ImageLoaded', 'file.name': 'ImageLoaded|basename', ...hashes('file') } },
    '7': {
      category: ['process'], type: ['change'], action: 'Image loaded',
      fields: {
        'dll.path': 'ImageLoaded',
        'dll.name': 'ImageLoaded|basename',
        ...hashes('dll'),
        'dll.pe.original_file_name': 'OriginalFileName',
        'dll.pe.company': 'Company',
        'dll.pe.description': 'Description',
        'dll.pe.file_version': 'FileVersion',
        'dll.pe.product': 'Product',
        'dll.code_signature.subject_name': 'Signature',
        'dll.code_signature.status': 'SignatureStatus',
        'dll.code_signature.signed': 'Signed|bool',
        'file.path': 'ImageLoaded',
        'file.name': 'ImageLoaded|basename',
        'file.directory': 'ImageLoaded|dirname',
        'file.extension': 'ImageLoaded|extension',
        'file.code_signature.subject_name': 'Signature',
        'file.code_signature.status': 'SignatureStatus',
      },
    },
    '8': { category: ['process'], type: ['change'], action: 'CreateRemoteThread' },
    '9': { category: ['process'], type: ['access'], action: 'RawAccessRead' },
    '10': { category: ['process'], type: ['access'], action: 'ProcessAccess' },
    '11': { category: ['file'], type: ['creation'], action: 'FileCreate' },
    '12': { category: ['configuration', 'registry'], type: ['change'], action: 'RegistryEvent (Object create and delete)', fields: registry() },
    '13': { category: ['configuration', 'registry'], type: ['change'], action: 'RegistryEvent (Value Set)', fields: registry() },
    '14': { category: ['configuration', 'registry'], type: ['change'], action: 'RegistryEvent (Key and Value Rename)', fields: registry() },
    '15': { category: ['file'], type: ['access'], action: 'FileCreateStreamHash', fields: hashes('file') },
    '16': { category: ['configuration'], type: ['change'], action: 'ServiceConfigurationChange' },
    '17': { category: ['file'], type: ['creation'], action: 'PipeEvent (Pipe Created)', fields: { 'file.name': 'PipeName' } },
    '18': { category: ['file'], type: ['access'], action: 'PipeEvent (Pipe Connected)', fields: { 'file.name': 'PipeName' } },
    '22': {
      category: ['network'], type: ['connection', 'protocol', 'info'], action: 'DNSEvent (DNS query)',
      fields: { 'network.protocol': '=dns', 'dns.question.name': 'QueryName', 'dns.resolved_ip': 'QueryResults|dnsIps' },
    },
    '19': { category: ['process'], type: ['info'], action: 'WmiEvent (WmiEventFilter activity detected)' },
    '20': { category: ['process'], type: ['change'], action: 'WmiEvent (WmiEventConsumer activity detected)' },
    '21': { category: ['process'], type: ['access'], action: 'WmiEvent (WmiEventConsumerToFilter activity detected)' },
    '23': { category: ['file'], type: ['deletion'], action: 'FileDelete (File Delete archived)', fields: hashes('process') },
    // Elastic gives the clipboard no category.
    '24': { type: ['change'], action: 'ClipboardChange (New content in the clipboard)', fields: hashes('process') },
    '25': { category: ['process'], type: ['change'], action: 'ProcessTampering (Process image change)', fields: hashes('process') },
    '26': { category: ['file'], type: ['deletion'], action: 'FileDeleteDetected (File Delete logged)', fields: hashes('file') },
    '27': { category: ['file'], type: ['creation'], outcome: 'failure', action: 'FileBlockExecutable', fields: hashes('file') },
    '28': { category: ['file'], type: ['deletion'], action: 'FileBlockShredding', fields: hashes('file') },
    '29': { category: ['file'], type: ['creation'], action: 'FileExecutableDetected', fields: hashes('file') },
    '255': { category: ['process'], outcome: 'failure', action: 'Error', fields: { 'error.code': 'ID' } },
  },
};

function registry() {
  return {
    'registry.path': 'TargetObject',
    'registry.hive': 'TargetObject|registryHive',
    'registry.key': 'TargetObject|registryKey',
    'registry.value': 'TargetObject|basename',
    'registry.data.strings': 'Details|list',
  };
}
