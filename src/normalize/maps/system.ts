import type { ChannelMap } from './types.js';

/*
 * The System log: services (Service Control Manager) and the log being cleared (Eventlog).
 * Elastic's pipelines give these ids no categories; lolhunt maps them by analogy with the
 * Security log's own records of the same facts (elastic/beats x-pack/winlogbeat/module/
 * security/ingest/security.yml): 7045 as 4697 (service installed), 104 as 1102 (log cleared),
 * and 7036 as Sysmon's 4 "service state changed" (elastic/integrations packages/windows/
 * data_stream/sysmon_operational/.../default.yml). The ids belong to their providers only.
 */
const SCM = ['Service Control Manager'];

export const SYSTEM: ChannelMap = {
  name: 'system',
  channels: ['System'],
  providers: [],
  common: { 'event.module': '=system', 'event.dataset': '=system.system', 'data_stream.dataset': '=system.system' },
  events: {
    '7045': {
      category: ['iam', 'configuration'], type: ['admin', 'change'], action: 'service-installed', providers: SCM,
      // ImagePath (a command line) and AccountName (the service's account) stay in winlog.event_data.
      fields: { 'service.name': 'ServiceName', 'service.type': 'ServiceType' },
    },
    '7036': {
      category: ['process'], type: ['change'], action: 'service-state-changed', providers: SCM,
      fields: { 'service.name': ['param1', 'ServiceName'], 'service.state': ['param2', 'State'] },
    },
    '104': {
      category: ['iam'], type: ['admin', 'change'], action: 'log-cleared', providers: ['Microsoft-Windows-Eventlog'],
      fields: { 'user.name': 'user:SubjectUserName', 'user.domain': 'user:SubjectDomainName' },
    },
  },
};
