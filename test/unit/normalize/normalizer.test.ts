import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { detectShape, ecsDocument, mayBeMapped, Normalizer, splitCommandLine } from '../../../src/normalize/index.js';
import { SECURITY, SYSMON } from '../../../src/normalize/maps/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../');
const REALDATA = path.join(ROOT, '../shared/realdata');

const view = (doc: Record<string, unknown>, enabled = true) => new Normalizer(enabled).normalize(doc);

// A Sysmon process creation as NXLog/Logstash flatten it (OTRF's shape), trimmed.
const flatStart = {
  EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', Hostname: 'WS5.corp.local', host: 'collector.example',
  '@timestamp': '2020-10-22T02:21:37.851Z', UtcTime: '2020-10-22 06:21:37.849',
  ProcessGuid: '{39E4A257-24F1-5F91-0E13-000000000700}', ProcessId: '3344', Image: 'C:\\Windows\\System32\\mshta.exe',
  CommandLine: 'mshta.exe  "javascript:a=1"', ParentImage: 'C:\\Windows\\System32\\cmd.exe', ParentProcessGuid: '{39e4a257-24f0-5f91-0d13-000000000700}',
  User: 'CORP\\alice', Hashes: 'SHA1=AB,MD5=CD,SHA256=EF,IMPHASH=00000000000000000000000000000000', OriginalFileName: 'MSHTA.EXE',
};

test('shape: each source shape is told apart by its keys', () => {
  assert.equal(detectShape({ '@timestamp': 'x', event: { category: 'process' } }), 'ecs');
  assert.equal(detectShape(flatStart), 'sysmon-flat');
  assert.equal(detectShape({ winlog: { event_id: '1', event_data: {} } }), 'winlogbeat-raw');
  assert.equal(detectShape({ winlog: { event_id: '1' }, event: { category: ['process'] } }), 'ecs-winlog');
  assert.equal(detectShape({ 'winlog.event_id': '1', 'winlog.channel': 'Security' }), 'winlogbeat-raw');
  assert.equal(detectShape({ Event: { System: { EventID: 1 } } }), 'evtx-dump');
  assert.equal(detectShape({ Event: 'not an object' }), 'ecs');
  assert.equal(detectShape({ Id: 1, ProviderName: 'Microsoft-Windows-Sysmon', Image: 'x' }), 'sysmon-flat');
  assert.equal(detectShape({ Id: 'abc', name: 'x' }), 'ecs');
});

test('flat Sysmon event 1: ECS process fields as Elastic\'s pipeline maps them', () => {
  const n = view(flatStart);
  assert.equal(n.shape, 'sysmon-flat');
  const g = (p: string) => n.view.get(p);
  assert.deepEqual(g('event.category'), ['process']);
  assert.deepEqual(g('event.type'), ['start']);
  assert.equal(g('event.code'), '1');
  assert.equal(g('@timestamp'), '2020-10-22T06:21:37.849Z', 'UtcTime wins over a mislabelled @timestamp');
  assert.equal(g('process.name'), 'mshta.exe');
  assert.equal(g('process.executable'), 'C:\\Windows\\System32\\mshta.exe');
  assert.equal(g('process.entity_id'), '{39e4a257-24f1-5f91-0e13-000000000700}', 'GUIDs in one case');
  assert.equal(g('process.pid'), 3344);
  assert.deepEqual(g('process.args'), ['mshta.exe', 'javascript:a=1']);
  assert.equal(g('process.args_count'), 2);
  assert.equal(g('process.parent.name'), 'cmd.exe');
  assert.equal(g('process.hash.sha256'), 'ef');
  assert.equal(g('process.pe.imphash'), undefined, 'an all-zero hash is dropped');
  assert.equal(g('process.pe.original_file_name'), 'MSHTA.EXE');
  assert.equal(g('user.name'), 'alice');
  assert.equal(g('user.domain'), 'CORP');
  assert.equal(g('host.name'), 'WS5.corp.local');
  assert.equal(g('host.os.type'), 'windows');
  assert.equal(g('Image'), flatStart.Image, 'original fields stay readable');
});

test('flat Sysmon 3, 22, 7, 13 and 11: network, DNS, image load, registry, file', () => {
  const base = { Channel: 'Microsoft-Windows-Sysmon/Operational', UtcTime: '2020-10-22 06:21:38.000', ProcessGuid: '{A-B}', Image: 'C:\\x\\wmic.exe' };
  const net = view({ ...base, EventID: 3, DestinationIp: '151.101.248.133', DestinationPort: '443', SourceIsIpv6: 'false', Initiated: 'true', Protocol: 'tcp' }).view;
  assert.deepEqual(net.get('event.category'), ['network']);
  assert.deepEqual(net.get('event.type'), ['start', 'connection', 'protocol']);
  assert.equal(net.get('destination.ip'), '151.101.248.133');
  assert.equal(net.get('destination.port'), 443);
  assert.equal(net.get('network.direction'), 'egress');
  assert.equal(net.get('network.type'), 'ipv4');
  assert.equal(net.get('network.transport'), 'tcp');
  const dns = view({ ...base, EventID: 22, QueryName: 'raw.githubusercontent.com', QueryResults: 'type:  5 x.fastly.net;::ffff:151.101.248.133;' }).view;
  assert.deepEqual(dns.get('event.category'), ['network']);
  assert.equal(dns.get('dns.question.name'), 'raw.githubusercontent.com');
  assert.deepEqual(dns.get('dns.resolved_ip'), ['151.101.248.133']);
  assert.equal(dns.get('network.protocol'), 'dns');
  const dll = view({ ...base, EventID: 7, ImageLoaded: 'C:\\Windows\\System32\\amsi.dll', Signed: 'true', Hashes: 'SHA256=AA' }).view;
  assert.equal(dll.get('dll.name'), 'amsi.dll');
  assert.equal(dll.get('dll.path'), 'C:\\Windows\\System32\\amsi.dll');
  assert.equal(dll.get('dll.code_signature.signed'), true);
  assert.equal(dll.get('dll.hash.sha256'), 'aa');
  assert.equal(dll.get('process.hash.sha256'), undefined, 'the hash belongs to the DLL');
  const reg = view({ ...base, EventID: 13, TargetObject: 'HKLM\\SOFTWARE\\Run\\evil', Details: 'C:\\evil.exe' }).view;
  assert.deepEqual(reg.get('event.category'), ['configuration', 'registry']);
  assert.equal(reg.get('registry.hive'), 'HKLM');
  assert.equal(reg.get('registry.key'), 'SOFTWARE\\Run\\evil');
  assert.equal(reg.get('registry.value'), 'evil');
  assert.deepEqual(reg.get('registry.data.strings'), ['C:\\evil.exe']);
  const file = view({ ...base, EventID: 11, TargetFilename: 'C:\\Users\\a\\p.ps1' }).view;
  assert.deepEqual(file.get('event.category'), ['file']);
  assert.deepEqual([file.get('file.name'), file.get('file.directory'), file.get('file.extension')], ['p.ps1', 'C:\\Users\\a', 'ps1']);
});

test('Security 4688 from winlogbeat raw and from evtx_dump', () => {
  const data = { NewProcessName: 'C:\\Windows\\System32\\certutil.exe', NewProcessId: '0x1a2b', ProcessId: '0x4', CommandLine: 'certutil -urlcache -f http://x/a a', ParentProcessName: 'C:\\Windows\\explorer.exe', SubjectUserName: 'bob', SubjectDomainName: 'CORP' };
  const raw = view({ '@timestamp': '2024-05-14T08:00:00.5Z', winlog: { channel: 'Security', event_id: '4688', computer_name: 'DC1', event_data: data } });
  const evtx = view({ Event: { System: { EventID: 4688, Channel: 'Security', Computer: 'DC1', TimeCreated: { '#attributes': { SystemTime: '2024-05-14T08:00:00.500000Z' } } }, EventData: data } });
  for (const n of [raw, evtx]) {
    const g = (p: string) => n.view.get(p);
    assert.deepEqual([g('event.category'), g('event.type'), g('event.code')], [['process'], ['start'], '4688'], n.shape);
    assert.deepEqual([g('process.name'), g('process.pid'), g('process.parent.pid'), g('process.parent.name')], ['certutil.exe', 0x1a2b, 4, 'explorer.exe'], n.shape);
    assert.deepEqual([g('user.name'), g('host.name'), g('host.os.type'), g('@timestamp')], ['bob', 'DC1', 'windows', '2024-05-14T08:00:00.500Z'], n.shape);
  }
  assert.equal(evtx.shape, 'evtx-dump');
});

test('evtx_dump Sysmon event with an EventID carrying qualifiers', () => {
  const n = view({ Event: { System: { EventID: { '#attributes': { Qualifiers: 0 }, '#text': 3 }, Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } }, Computer: 'WS1' }, EventData: { UtcTime: '2024-05-14 08:00:01.250', ProcessGuid: '{AB-CD}', Image: 'C:\\a\\regsvr32.exe', DestinationIp: '8.8.8.8' } } });
  assert.deepEqual([n.view.get('event.category'), n.view.get('process.name'), n.view.get('@timestamp')], [['network'], 'regsvr32.exe', '2024-05-14T08:00:01.250Z']);
});

test('a flattened PowerShell Get-WinEvent object: Id, ProviderName, /Date()/ TimeCreated', () => {
  const n = view({ Id: 1, ProviderName: 'Microsoft-Windows-Sysmon', MachineName: 'WS9', TimeCreated: '/Date(1715673600000)/', ProcessGuid: '{AA-BB}', Image: 'C:\\x\\rundll32.exe' });
  assert.deepEqual([n.shape, n.view.get('event.category'), n.view.get('process.name'), n.view.get('host.name'), n.view.get('@timestamp')], ['sysmon-flat', ['process'], 'rundll32.exe', 'WS9', '2024-05-14T08:00:00.000Z']);
});

test('ECS passes through untouched; a document\'s own host.os.type is kept', () => {
  const doc = { '@timestamp': 't', process: { entity_id: '{ABC}' }, host: { os: { type: 'macos' } } };
  const n = view(doc);
  assert.equal(n.shape, 'ecs');
  assert.equal(ecsDocument(n, doc), doc, 'the same object, not a copy');
  const wl = view({ winlog: { channel: 'x' }, event: { category: ['process'] }, host: { os: { type: 'linux' } }, process: { entity_id: '{42F11C3B-CE01-5C8F-0000-0010C73E2A00}' } });
  assert.equal(wl.shape, 'ecs-winlog');
  assert.equal(wl.view.get('host.os.type'), 'linux');
  assert.equal(wl.view.get('process.entity_id'), '{42f11c3b-ce01-5c8f-0000-0010c73e2a00}');
});

test('--no-normalize: every document is read as it is', () => {
  const n = view(flatStart, false);
  assert.equal(n.shape, 'sysmon-flat', 'the shape is still told');
  assert.equal(n.view.get('process.name'), undefined);
});

test('ecsDocument writes mapped fields over the original, nested', () => {
  const n = view(flatStart);
  const out = ecsDocument(n, flatStart) as Record<string, any>;
  assert.equal(out.process.name, 'mshta.exe');
  assert.deepEqual(out.host, { name: 'WS5.corp.local', os: { type: 'windows', family: 'windows' } });
  assert.equal(out.Image, flatStart.Image);
  assert.equal((flatStart as Record<string, unknown>).process, undefined, 'the original is not changed');
});

test('splitCommandLine follows CommandLineToArgvW', () => {
  const cases: [string, string[]][] = [
    ['a b  c', ['a', 'b', 'c']],
    ['"C:\\Program Files\\x.exe" /s', ['C:\\Program Files\\x.exe', '/s']],
    ['a\\\\\\"b', ['a\\"b']],
    ['a\\\\"b c"', ['a\\b c']],
    ['C:\\dir\\ x', ['C:\\dir\\', 'x']],
    ['"a""b"', ['a"b']],
    ['', []],
  ];
  for (const [cmd, want] of cases) assert.deepEqual(splitCommandLine(cmd), want, cmd);
});

const skipNotice = (what: string) => {
  const ok = fs.existsSync(REALDATA);
  if (!ok) console.log(`# skipped (${what}): ${REALDATA} is absent`);
  return !ok;
};

test('winlogbeat 8.x raw records map to what the ingest pipeline made of the same records', { skip: skipNotice('winlogbeat realdata') }, () => {
  const read = (p: string) => fs.readFileSync(path.join(REALDATA, 'winlogbeat', p), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  const raw = read('winlogbeat-8x-raw-collection/sysmon-9.01.evtx.golden.excerpt.ndjson');
  const ingested = read('winlogbeat-8x-ingest-pipeline/sysmon-9.01.golden.excerpt.ndjson');
  const fields = ['@timestamp', 'event.category', 'event.type', 'event.code', 'process.entity_id', 'process.name', 'process.executable', 'process.pid', 'destination.ip', 'destination.port', 'source.port', 'network.direction', 'user.name', 'host.os.type'];
  let compared = 0;
  for (const r of raw) {
    const rv = view(r);
    assert.equal(rv.shape, 'winlogbeat-raw');
    const id = (d: Record<string, unknown>) => String((d.winlog as { record_id: unknown }).record_id);
    const twin = ingested.find((i) => id(i) === id(r));
    if (!twin) continue;
    const iv = view(twin);
    for (const f of fields) {
      const norm = (v: unknown) => (Array.isArray(v) ? [...v].sort() : v);
      assert.deepEqual(norm(rv.view.get(f)), norm(iv.view.get(f)), `${f} of record ${id(r)}`);
    }
    compared++;
  }
  assert.equal(compared, 3, 'the three records both excerpts hold');
});

test('every map entry compiles for every Windows shape (a typo in a map fails here, not mid-scan)', () => {
  const docs = (channel: string, code: string): Record<string, unknown>[] => [
    { winlog: { channel, event_id: code, event_data: { Image: 'C:\\a.exe' } } },
    { EventID: Number(code), Channel: channel, Image: 'C:\\a.exe' },
    { Event: { System: { EventID: Number(code), Channel: channel }, EventData: { Image: 'C:\\a.exe' } } },
  ];
  let mapped = 0;
  for (const channel of [SYSMON, SECURITY]) {
    for (const [code, event] of Object.entries(channel.events)) {
      for (const doc of docs(channel.channels[0]!, code)) {
        const n = new Normalizer().normalize(doc);
        if (event.category) assert.deepEqual(n.view.get('event.category'), event.category, `${channel.name} ${code} ${n.shape}`);
        mapped++;
      }
    }
  }
  assert.equal(mapped, 3 * (Object.keys(SYSMON.events).length + Object.keys(SECURITY.events).length));
});

test('mayBeMapped: every document of a mapped shape is flagged from its raw text (prefilter guard)', () => {
  const docs: Record<string, unknown>[] = [
    flatStart,
    { winlog: { event_id: '1' } },
    { 'winlog.event_id': '1', 'winlog.channel': 'Security' },
    { winlog: { channel: 'x' }, event: { category: ['process'] } },
    { Event: { System: { EventID: 1 } } },
    { Id: 1, ProviderName: 'p' },
    { EventId: 4688 },
  ];
  for (const d of docs) {
    assert.notEqual(detectShape(d), 'ecs');
    assert.equal(mayBeMapped(JSON.stringify(d)), true, JSON.stringify(d));
  }
  assert.equal(mayBeMapped(JSON.stringify({ '@timestamp': 't', process: { name: 'x' } })), false);
});
