import type { ChannelMap, EventMap, FieldRules } from './types.js';

/*
 * The Security log (Microsoft-Windows-Security-Auditing), as Elastic maps it:
 * - categories, types and actions per event id: the "Set ECS categorization fields" table of
 *   elastic/beats x-pack/winlogbeat/module/security/ingest/security.yml (the same table as
 *   elastic/integrations packages/system/data_stream/security/.../ingest_pipeline/standard.yml);
 * - which user an event is about (subject or target), winlog.logon.id and winlog.logon.type,
 *   process, source and service fields: the per-event processor chains of
 *   x-pack/winlogbeat/module/security/config/winlogbeat-security.js (copySubjectUser,
 *   copyTargetUser, copy*LogonId, renameCommonAuthFields, renameNewProcessFields, ...).
 * event.dataset / data_stream.dataset: the Elastic Agent integration's data stream (system.security).
 * NewUACList names the SAM account-control flags as Elastic's current rules spell them (USER_*).
 * Not categorised by Elastic, mapped here by lolhunt (documented in docs/decisions.md): object
 * access 4656/4663 (category from ObjectType) and the Filtering Platform's 5156/5157.
 */

/** copySubjectUser + copySubjectUserLogonId. */
const subject: FieldRules = {
  'user.id': 'SubjectUserSid',
  'user.name': 'SubjectUserName',
  'user.domain': 'SubjectDomainName',
  'winlog.logon.id': 'SubjectLogonId',
};

/** copyTargetUser + copyTargetUserLogonId (the user is the one logged on). */
const target: FieldRules = {
  'user.id': 'TargetUserSid',
  'user.name': 'TargetUserName|beforeAt',
  'user.domain': 'TargetDomainName',
  'winlog.logon.id': 'TargetLogonId',
};

/** renameCommonAuthFields: the process and the remote end of an authentication. */
const auth: FieldRules = {
  'process.pid': 'ProcessId|hex',
  'process.executable': 'ProcessName',
  'process.name': 'ProcessName|basename',
  'source.ip': 'IpAddress|ip',
  'source.port': 'IpPort|long',
  'source.domain': 'WorkstationName',
};

/** The account an account-management event changed (user.target, as ECS 8 names it). */
const targetAccount: FieldRules = {
  'user.target.id': ['TargetSid', 'TargetUserSid'],
  'user.target.name': 'TargetUserName',
  'user.target.domain': 'TargetDomainName',
  'winlog.event_data.NewUACList': 'NewUacValue|uacList',
};

/** copyTargetUserToGroup + copyMemberToUser. */
const groupFields: FieldRules = {
  'group.id': ['TargetSid', 'TargetUserSid'],
  'group.name': 'TargetUserName',
  'group.domain': 'TargetDomainName',
  'user.target.name': 'MemberName|cn',
};

/** winlogbeat's event4672 / sensitivePrivilege / computerMgmtEvts: the privileges as a list. */
const privileges: FieldRules = { 'winlog.event_data.PrivilegeList': 'PrivilegeList|words' };

const ev = (category: string[], type: string[], action: string, fields: FieldRules): EventMap => ({ category, type, action, fields });
const userEvent = (type: string, action: string) => ev(['iam'], ['user', type], action, { ...subject, ...auth, ...targetAccount });
const groupEvent = (type: string, action: string) => ev(['iam'], ['group', type], action, { ...subject, ...auth, ...groupFields });
const taskEvent = (type: string, action: string) => ev(['iam', 'configuration'], [type, 'admin'], action, subject);
const objectEvent = (action: string): EventMap => ({
  type: ['access'], action,
  fields: { ...subject, 'event.category': 'ObjectType|objectCategory', 'process.pid': 'ProcessId|hex', 'process.executable': 'ProcessName', 'process.name': 'ProcessName|basename' },
});
const wfpEvent = (type: string[], action: string): EventMap => ({
  category: ['network'], type, action,
  fields: {
    'process.pid': ['ProcessID|long', 'ProcessId|long'],
    'process.executable': 'Application',
    'process.name': 'Application|basename',
    'network.direction': '@|wfpDirection',
    'network.transport': 'Protocol|transport',
    'network.iana_number': 'Protocol|string',
    'source.ip': '@|wfpSourceIp',
    'source.port': '@|wfpSourcePort',
    'destination.ip': '@|wfpDestinationIp',
    'destination.port': '@|wfpDestinationPort',
  },
});

export const SECURITY: ChannelMap = {
  name: 'security',
  channels: ['Security'],
  providers: ['Microsoft-Windows-Security-Auditing'],
  common: {
    'event.module': '=security',
    'event.dataset': '=system.security',
    'data_stream.dataset': '=system.security',
    // The pipeline's "Set Logon Type", for any event with a LogonType.
    'winlog.logon.type': 'LogonType|logonType',
  },
  events: {
    '1100': ev(['process'], ['end'], 'logging-service-shutdown', {}),
    '1102': ev(['iam'], ['admin', 'change'], 'audit-log-cleared', {
      'user.id': 'user:SubjectUserSid', 'user.name': 'user:SubjectUserName', 'user.domain': 'user:SubjectDomainName', 'winlog.logon.id': 'user:SubjectLogonId',
    }),
    '1104': ev(['iam'], ['admin'], 'logging-full', {}),
    '1105': ev(['iam'], ['admin'], 'auditlog-archieved', {}),
    '1108': ev(['iam'], ['admin'], 'logging-processing-error', {}),
    '4610': ev(['configuration'], ['access'], 'authentication-package-loaded', {}),
    '4611': ev(['configuration'], ['change'], 'trusted-logon-process-registered', subject),
    '4614': ev(['configuration'], ['access'], 'notification-package-loaded', {}),
    '4616': ev(['configuration'], ['change'], 'system-time-changed', { ...subject, ...auth }),
    '4622': ev(['configuration'], ['access'], 'security-package-loaded', {}),
    '4624': ev(['authentication'], ['start'], 'logged-in', { ...target, ...auth }),
    '4625': ev(['authentication'], ['start'], 'logon-failed', { ...target, 'winlog.logon.id': 'SubjectLogonId', ...auth }),
    '4634': ev(['authentication'], ['end'], 'logged-out', target),
    '4647': ev(['authentication'], ['end'], 'logged-out', target),
    '4648': ev(['authentication'], ['start'], 'logged-in-explicit', { ...target, 'winlog.logon.id': 'SubjectLogonId', ...auth }),
    '4656': objectEvent('object-handle-requested'),
    '4663': objectEvent('object-access-attempted'),
    '4657': ev(['registry', 'configuration'], ['change'], 'registry-value-modified', { ...subject, ...auth }),
    '4670': ev(['iam', 'configuration'], ['admin', 'change'], 'permissions-changed', { ...subject, ...auth }),
    '4672': ev(['iam'], ['admin'], 'logged-in-special', { ...subject, ...privileges }),
    '4673': ev(['iam'], ['admin'], 'privileged-service-called', { ...subject, ...auth, ...privileges }),
    '4674': ev(['iam'], ['admin'], 'privileged-operation', { ...subject, ...auth, ...privileges }),
    '4688': ev(['process'], ['start'], 'created-process', {
      ...subject,
      'process.executable': 'NewProcessName',
      'process.name': 'NewProcessName|basename',
      'process.pid': 'NewProcessId|hex',
      'process.command_line': 'CommandLine',
      'process.args': 'CommandLine|args',
      'process.args_count': 'CommandLine|argsCount',
      'process.parent.pid': 'ProcessId|hex',
      'process.parent.executable': 'ParentProcessName',
      'process.parent.name': 'ParentProcessName|basename',
    }),
    '4689': ev(['process'], ['end'], 'exited-process', { ...subject, ...auth, 'process.exit_code': 'Status|hex' }),
    '4697': ev(['iam', 'configuration'], ['admin', 'change'], 'service-installed', {
      ...subject, ...auth, 'service.name': 'ServiceName', 'service.type': 'ServiceType|serviceType',
    }),
    '4698': taskEvent('creation', 'scheduled-task-created'),
    '4699': taskEvent('deletion', 'scheduled-task-deleted'),
    '4700': taskEvent('change', 'scheduled-task-enabled'),
    '4701': taskEvent('change', 'scheduled-task-disabled'),
    '4702': taskEvent('change', 'scheduled-task-updated'),
    '4706': ev(['configuration'], ['creation'], 'domain-trust-added', subject),
    '4707': ev(['configuration'], ['deletion'], 'domain-trust-removed', subject),
    '4713': ev(['configuration'], ['change'], 'kerberos-policy-changed', subject),
    '4714': ev(['configuration'], ['change'], 'encrypted-data-recovery-policy-changed', subject),
    '4715': ev(['configuration'], ['change'], 'object-audit-policy-changed', subject),
    '4716': ev(['configuration'], ['change'], 'trusted-domain-information-changed', subject),
    '4717': ev(['iam', 'configuration'], ['admin', 'change'], 'system-security-access-granted', subject),
    '4718': ev(['iam', 'configuration'], ['admin', 'deletion'], 'system-security-access-removed', subject),
    // Not categorised by Elastic; its action is the task name winlogbeat gives it, which Elastic's rules read.
    '4703': { action: 'Token Right Adjusted Events', fields: { ...subject, ...auth } },
    '4719': ev(['iam', 'configuration'], ['admin', 'change'], 'changed-audit-config', { ...subject, ...auth }),
    '4720': userEvent('creation', 'added-user-account'),
    '4722': userEvent('change', 'enabled-user-account'),
    '4723': userEvent('change', 'changed-password'),
    '4724': userEvent('change', 'reset-password'),
    '4725': userEvent('deletion', 'disabled-user-account'),
    '4726': userEvent('deletion', 'deleted-user-account'),
    '4727': groupEvent('creation', 'added-group-account'),
    '4728': groupEvent('change', 'added-member-to-group'),
    '4729': groupEvent('change', 'removed-member-from-group'),
    '4730': groupEvent('deletion', 'deleted-group-account'),
    '4731': groupEvent('creation', 'added-group-account'),
    '4732': groupEvent('change', 'added-member-to-group'),
    '4733': groupEvent('change', 'removed-member-from-group'),
    '4734': groupEvent('deletion', 'deleted-group-account'),
    '4735': groupEvent('change', 'modified-group-account'),
    '4737': groupEvent('change', 'modified-group-account'),
    '4738': userEvent('change', 'modified-user-account'),
    '4739': ev(['configuration'], ['change'], 'domain-policy-changed', subject),
    '4740': userEvent('change', 'locked-out-user-account'),
    '4741': ev(['iam'], ['creation', 'admin'], 'added-computer-account', { ...subject, ...auth, ...targetAccount, ...privileges }),
    '4742': ev(['iam'], ['change', 'admin'], 'changed-computer-account', { ...subject, ...auth, ...targetAccount, ...privileges }),
    '4743': ev(['iam'], ['deletion', 'admin'], 'deleted-computer-account', { ...subject, ...auth, ...targetAccount, ...privileges }),
    '4744': groupEvent('creation', 'added-distribution-group-account'),
    '4745': groupEvent('change', 'changed-distribution-group-account'),
    '4746': groupEvent('change', 'added-member-to-distribution-group'),
    '4747': groupEvent('change', 'removed-member-from-distribution-group'),
    '4748': groupEvent('deletion', 'deleted-distribution-group-account'),
    '4749': groupEvent('creation', 'added-distribution-group-account'),
    '4750': groupEvent('change', 'changed-distribution-group-account'),
    '4751': groupEvent('change', 'added-member-to-distribution-group'),
    '4752': groupEvent('change', 'removed-member-from-distribution-group'),
    '4753': groupEvent('deletion', 'deleted-distribution-group-account'),
    '4754': groupEvent('creation', 'added-group-account'),
    '4755': groupEvent('change', 'modified-group-account'),
    '4756': groupEvent('change', 'added-member-to-group'),
    '4757': groupEvent('change', 'removed-member-from-group'),
    '4758': groupEvent('deletion', 'deleted-group-account'),
    '4759': groupEvent('creation', 'added-distribution-group-account'),
    '4760': groupEvent('change', 'changed-distribution-group-account'),
    '4761': groupEvent('change', 'added-member-to-distribution-group'),
    '4762': groupEvent('change', 'removed-member-from-distribution-group'),
    '4763': groupEvent('deletion', 'deleted-distribution-group-account'),
    '4764': groupEvent('change', 'type-changed-group-account'),
    '4767': userEvent('change', 'unlocked-user-account'),
    '4768': ev(['authentication'], ['start'], 'kerberos-authentication-ticket-requested', { ...target, ...auth }),
    '4769': ev(['authentication'], ['start'], 'kerberos-service-ticket-requested', { ...target, ...auth }),
    '4770': ev(['authentication'], ['start'], 'kerberos-service-ticket-renewed', { ...target, ...auth }),
    '4771': ev(['authentication'], ['start'], 'kerberos-preauth-failed', { ...target, ...auth }),
    '4776': ev(['authentication'], ['start'], 'credential-validated', target),
    '4778': ev(['authentication', 'session'], ['start'], 'session-reconnected', {
      'user.name': 'AccountName', 'user.domain': 'AccountDomain', 'source.ip': 'ClientAddress|ip', 'source.domain': 'ClientName', 'winlog.logon.id': 'LogonID',
    }),
    '4779': ev(['authentication', 'session'], ['end'], 'session-disconnected', {
      'user.name': 'AccountName', 'user.domain': 'AccountDomain', 'source.ip': 'ClientAddress|ip', 'source.domain': 'ClientName', 'winlog.logon.id': 'LogonID',
    }),
    '4781': ev(['iam'], ['user', 'change'], 'renamed-user-account', {
      ...subject, 'user.target.name': 'OldTargetUserName', 'user.changes.name': 'NewTargetUserName',
    }),
    '4798': userEvent('info', 'group-membership-enumerated'),
    '4799': groupEvent('info', 'user-member-enumerated'),
    '4817': ev(['iam', 'configuration'], ['admin', 'change'], 'object-audit-changed', { ...subject, ...auth }),
    '4902': ev(['iam', 'configuration'], ['admin', 'creation'], 'user-audit-policy-created', {}),
    '4904': ev(['iam', 'configuration'], ['admin', 'change'], 'security-event-source-added', { ...subject, ...auth }),
    '4905': ev(['iam', 'configuration'], ['admin', 'deletion'], 'security-event-source-removed', { ...subject, ...auth }),
    '4906': ev(['iam', 'configuration'], ['admin', 'change'], 'crash-on-audit-changed', {}),
    '4907': ev(['iam', 'configuration'], ['admin', 'change'], 'audit-setting-changed', { ...subject, ...auth }),
    '4908': ev(['iam', 'configuration'], ['admin', 'change'], 'special-group-table-changed', {}),
    '4912': ev(['iam', 'configuration'], ['admin', 'change'], 'per-user-audit-policy-changed', subject),
    '4950': ev(['configuration'], ['change'], 'windows-firewall-setting-changed', {}),
    '4954': ev(['configuration'], ['change'], 'windows-firewall-group-policy-changed', {}),
    '4964': ev(['iam'], ['admin', 'group'], 'logged-in-special', target),
    '5024': ev(['process'], ['start'], 'windows-firewall-service-started', {}),
    '5025': ev(['process'], ['end'], 'windows-firewall-service-stopped', {}),
    '5033': ev(['driver'], ['start'], 'windows-firewall-driver-started', {}),
    '5034': ev(['driver'], ['end'], 'windows-firewall-driver-stopped', {}),
    '5037': ev(['driver'], ['end'], 'windows-firewall-driver-error', {}),
    '5156': wfpEvent(['connection', 'start', 'allowed'], 'windows-filtering-platform-connection-permitted'),
    '5157': wfpEvent(['connection', 'denied'], 'windows-filtering-platform-connection-blocked'),
  },
};
