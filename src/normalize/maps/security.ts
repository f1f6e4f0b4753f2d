import type { ChannelMap } from './types.js';

/** The Security log's process creation (4688), as Elastic's system/security pipeline maps it. */
export const SECURITY: ChannelMap = {
  name: 'security',
  channels: ['Security'],
  providers: ['Microsoft-Windows-Security-Auditing'],
  common: {
    'user.id': 'SubjectUserSid',
    'user.name': 'SubjectUserName',
    'user.domain': 'SubjectDomainName',
  },
  events: {
    '4688': {
      category: ['process'], type: ['start'], action: 'created-process',
      fields: {
        'process.executable': 'NewProcessName',
        'process.name': 'NewProcessName|basename',
        'process.pid': 'NewProcessId|hex',
        'process.command_line': 'CommandLine',
        'process.args': 'CommandLine|args',
        'process.args_count': 'CommandLine|argsCount',
        'process.parent.pid': 'ProcessId|hex',
        'process.parent.executable': 'ParentProcessName',
        'process.parent.name': 'ParentProcessName|basename',
      },
    },
  },
};
