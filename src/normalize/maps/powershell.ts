import type { ChannelMap, FieldRules } from './types.js';

/*
 * PowerShell, as winlogbeat's powershell module maps it: elastic/beats x-pack/winlogbeat/
 * module/powershell/ingest/powershell.yml (Windows PowerShell: 400, 403, 600, 800, their
 * Key=Value params split into fields) and powershell_operational.yml
 * (Microsoft-Windows-PowerShell/Operational: 4103's ContextInfo split likewise, 4104, 4105,
 * 4106). Every event is category process: type start (400, 4105), end (403, 4106), else info.
 * Actions are the events' task names, as winlogbeat's event.action carries them. event.dataset
 * and data_stream.dataset: the Elastic Agent windows integration's data streams.
 */
const process: FieldRules = {
  'event.module': '=powershell',
  'process.entity_id': ['HostId', 'HostID'],
  'process.command_line': 'HostApplication',
  'process.args': 'HostApplication|args',
  'process.args_count': 'HostApplication|argsCount',
  'process.title': 'HostName',
  'powershell.engine.version': 'EngineVersion',
  'powershell.engine.new_state': 'NewEngineState',
  'powershell.engine.previous_state': 'PreviousEngineState',
  'powershell.pipeline_id': ['PipelineId', 'PipelineID'],
  'powershell.runspace_id': ['RunspaceId', 'RunspaceID'],
  'powershell.command.value': 'CommandLine',
  'powershell.command.path': 'CommandPath',
  'powershell.command.name': 'CommandName',
  'powershell.command.type': 'CommandType',
  'file.path': ['ScriptName', 'Path'],
  'file.name': ['ScriptName|basename', 'Path|basename'],
  'file.directory': ['ScriptName|dirname', 'Path|dirname'],
  'file.extension': ['ScriptName|extension', 'Path|extension'],
};

export const WINDOWS_POWERSHELL: ChannelMap = {
  name: 'windows-powershell',
  channels: ['Windows PowerShell'],
  providers: ['PowerShell'],
  common: {
    ...process,
    'event.dataset': '=windows.powershell',
    'data_stream.dataset': '=windows.powershell',
    'user.domain': 'UserId|userDomain',
    'user.name': 'UserId|userName',
    'powershell.provider.name': 'ProviderName',
    'powershell.provider.new_state': 'NewProviderState',
  },
  keyValue: { '800': 'param2', '*': 'param3' },
  events: {
    '400': { category: ['process'], type: ['start'], action: 'Engine Lifecycle' },
    '403': { category: ['process'], type: ['end'], action: 'Engine Lifecycle' },
    '600': { category: ['process'], type: ['info'], action: 'Provider Lifecycle' },
    '800': { category: ['process'], type: ['info'], action: 'Pipeline Execution Details' },
  },
};

export const POWERSHELL_OPERATIONAL: ChannelMap = {
  name: 'powershell-operational',
  channels: ['Microsoft-Windows-PowerShell/Operational'],
  providers: ['Microsoft-Windows-PowerShell'],
  common: {
    ...process,
    'event.dataset': '=windows.powershell_operational',
    'data_stream.dataset': '=windows.powershell_operational',
    'user.id': 'sys:userId',
    'user.domain': 'User|userDomain',
    'user.name': 'User|userName',
    'powershell.id': 'ShellID',
    'powershell.file.script_block_id': 'ScriptBlockId',
    'powershell.file.script_block_text': 'ScriptBlockText',
    'powershell.sequence': 'MessageNumber|long',
    'powershell.total': 'MessageTotal|long',
  },
  keyValue: { '4103': 'ContextInfo' },
  events: {
    '4103': { category: ['process'], type: ['info'], action: 'Executing Pipeline' },
    '4104': { category: ['process'], type: ['info'], action: 'Execute a Remote Command' },
    '4105': { category: ['process'], type: ['start'], action: 'Starting Command' },
    '4106': { category: ['process'], type: ['end'], action: 'Stopping Command' },
  },
};
