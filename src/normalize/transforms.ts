import type { FieldValue } from '../eql/index.js';
import { formatTimestamp, parseTimestamp } from './timestamp.js';

/** A value a map reads from a document, turned into its ECS form; undefined drops it. */
export type Transform = (v: FieldValue) => FieldValue | undefined;

const str = (v: FieldValue): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
const lastSep = (s: string) => s.lastIndexOf('\\');
/** The last segment of a Windows path ('' when it ends in a separator). */
const fileName = (v: FieldValue): string | undefined => {
  const s = str(v);
  return s === undefined ? undefined : s.slice(lastSep(s) + 1);
};
/** One of two values for a boolean written as a JSON boolean or as text, else undefined. */
const pick = <T>(v: FieldValue, yes: T, no: T): T | undefined => (v === true || v === 'true' ? yes : v === false || v === 'false' ? no : undefined);

function hash(kind: string): Transform {
  return (v) => {
    const s = str(v);
    if (s === undefined) return undefined;
    for (const pair of s.split(',')) {
      const eq = pair.indexOf('=');
      if (eq > 0 && pair.slice(0, eq).trim().toLowerCase() === kind) {
        const h = pair.slice(eq + 1).trim().toLowerCase();
        return /^0*$/.test(h) ? undefined : h;
      }
    }
    return undefined;
  };
}

/** `s` up to the first `sep` (all of it without one). */
function upTo(s: string, sep: string): string {
  const i = s.indexOf(sep);
  return i < 0 ? s : s.slice(0, i);
}

/** A whole number, from a number or decimal digits (not past the safe integers). */
function toLong(v: FieldValue): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The ECS hive of a registry path's first segment; own keys only (the path comes from the logs: `__proto__` is no hive). */
function hive(path: string): string | undefined {
  const first = upTo(path, '\\');
  return Object.hasOwn(HIVES, first) ? HIVES[first] : undefined;
}

const HIVES: Record<string, string> = {
  HKEY_CLASSES_ROOT: 'HKCR', HKCR: 'HKCR', HKEY_CURRENT_CONFIG: 'HKCC', HKCC: 'HKCC',
  HKEY_CURRENT_USER: 'HKCU', HKCU: 'HKCU', HKEY_LOCAL_MACHINE: 'HKLM', HKLM: 'HKLM',
  HKEY_USERS: 'HKU', HKU: 'HKU',
};

/** Windows logon types by number, named as winlogbeat's security module names them. */
const LOGON_TYPES: Record<string, string> = {
  2: 'Interactive', 3: 'Network', 4: 'Batch', 5: 'Service', 7: 'Unlock', 8: 'NetworkCleartext',
  9: 'NewCredentials', 10: 'RemoteInteractive', 11: 'CachedInteractive',
};

/**
 * The SAM account-control flags of NewUacValue (4720/4738/4742...: 0x15 is disabled, password
 * not required, normal account), by the names Elastic's current rules compare
 * `winlog.event_data.NewUACList` with (`USER_DONT_REQUIRE_PREAUTH`, `USER_DONT_EXPIRE_PASSWORD`).
 */
const UAC_FLAGS: [number, string][] = [
  [0x1, 'USER_ACCOUNT_DISABLED'], [0x2, 'USER_HOME_DIRECTORY_REQUIRED'], [0x4, 'USER_PASSWORD_NOT_REQUIRED'],
  [0x8, 'USER_TEMP_DUPLICATE_ACCOUNT'], [0x10, 'USER_NORMAL_ACCOUNT'], [0x20, 'USER_MNS_LOGON_ACCOUNT'],
  [0x40, 'USER_INTERDOMAIN_TRUST_ACCOUNT'], [0x80, 'USER_WORKSTATION_TRUST_ACCOUNT'], [0x100, 'USER_SERVER_TRUST_ACCOUNT'],
  [0x200, 'USER_DONT_EXPIRE_PASSWORD'], [0x400, 'USER_ACCOUNT_AUTO_LOCKED'], [0x800, 'USER_ENCRYPTED_TEXT_PASSWORD_ALLOWED'],
  [0x1000, 'USER_SMARTCARD_REQUIRED'], [0x2000, 'USER_TRUSTED_FOR_DELEGATION'], [0x4000, 'USER_NOT_DELEGATED'],
  [0x8000, 'USER_USE_DES_KEY_ONLY'], [0x10000, 'USER_DONT_REQUIRE_PREAUTH'], [0x20000, 'USER_PASSWORD_EXPIRED'],
  [0x40000, 'USER_TRUSTED_TO_AUTHENTICATE_FOR_DELEGATION'], [0x80000, 'USER_NO_AUTH_DATA_REQUIRED'],
  [0x100000, 'USER_PARTIAL_SECRETS_ACCOUNT'], [0x200000, 'USER_USE_AES_KEYS'],
];

/** Service types (4697's ServiceType), as winlogbeat's security module names them. */
const SERVICE_TYPES: Record<string, string> = {
  '0x1': 'Kernel Driver', '0x2': 'File System Driver', '0x8': 'Recognizer Driver', '0x10': 'Win32 Own Process',
  '0x20': 'Win32 Share Process', '0x110': 'Interactive Own Process', '0x120': 'Interactive Share Process',
};

/** IANA protocol numbers the Windows Filtering Platform logs, by their ECS transport name. */
const TRANSPORTS: Record<string, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'ipv6-icmp' };

/** The Windows event keywords' audit bits (winmeta.xml): Audit Failure 0x10000000000000, Audit Success 0x20000000000000. */
const AUDIT_FAILURE = 1n << 52n;
const AUDIT_SUCCESS = 1n << 53n;

function auditOutcome(v: FieldValue): string | undefined {
  if (Array.isArray(v)) {
    // winlogbeat's rendered names: ["Audit Success"].
    for (const k of v) {
      const o = auditOutcome(k);
      if (o) return o;
    }
    return undefined;
  }
  const s = str(v)?.trim();
  if (!s) return undefined;
  const name = s.toLowerCase().replace(/[\s_]/g, '');
  if (name === 'auditsuccess') return 'success';
  if (name === 'auditfailure') return 'failure';
  let bits: bigint;
  try {
    // Hex as evtx_dump writes it; a signed 64-bit decimal as NXLog writes it.
    bits = /^0x[0-9a-f]{1,16}$/i.test(s) ? BigInt(s) : /^-?\d{1,20}$/.test(s) ? BigInt.asUintN(64, BigInt(s)) : -1n;
  } catch {
    return undefined;
  }
  if (bits < 0n) return undefined;
  if (bits & AUDIT_FAILURE) return 'failure';
  if (bits & AUDIT_SUCCESS) return 'success';
  return undefined;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
/** An IP address as ECS stores it (v4-mapped v6 as v4, as winlogbeat does for Kerberos events); anything else dropped. */
function ipAddress(v: FieldValue): string | undefined {
  const s = str(v)?.trim();
  if (!s) return undefined;
  const v4 = s.replace(/^::ffff:/i, '');
  if (IPV4.test(v4)) return v4;
  return /^[0-9a-f:]+(%\w+)?$/i.test(s) && s.includes(':') ? s : undefined;
}

/** Key=Value lines (classic PowerShell's params, 4103's ContextInfo) as an object; keys without blanks. */
export function keyValueLines(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).replace(/\s+/g, '');
    if (!key || key === '__proto__') continue;
    Object.defineProperty(out, key, { value: line.slice(eq + 1).trim(), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const field = (data: FieldValue, name: string): FieldValue | undefined =>
  typeof data === 'object' && data !== null && !Array.isArray(data) && Object.hasOwn(data, name) ? (data as Record<string, FieldValue>)[name] : undefined;
/** The Windows Filtering Platform's Direction: %%14592 inbound, %%14593 outbound (msobjs). */
const wfpInbound = (data: FieldValue): boolean | undefined => {
  const d = str(field(data, 'Direction') ?? null)?.trim();
  return d === '%%14592' || d === 'Inbound' ? true : d === '%%14593' || d === 'Outbound' ? false : undefined;
};
/**
 * WFP events name the local end Source and the remote end Dest in both directions; ECS's
 * source is the end that opened the connection, so an inbound connection swaps them.
 */
function wfpEnd(end: 'source' | 'destination', part: 'Address' | 'Port'): Transform {
  return (data) => {
    const inbound = wfpInbound(data);
    if (inbound === undefined) return undefined;
    const local = (end === 'source') !== inbound;
    const v = field(data, local ? `Source${part}` : `Dest${part}`);
    if (v === undefined) return undefined;
    return part === 'Address' ? ipAddress(v) : toLong(v);
  };
}

/** The transforms a map may name after `|`. */
export const TRANSFORMS: Record<string, Transform> = {
  string: (v) => str(v),
  long: toLong,
  hex: (v) => {
    const s = str(v)?.trim();
    return s && /^0x[0-9a-f]+$/i.test(s) ? parseInt(s.slice(2), 16) : s && /^\d+$/.test(s) ? Number(s) : undefined;
  },
  bool: (v) => pick(v, true, false),
  // Windows GUIDs come upper or lower case depending on the collector: one case joins them.
  guid: (v) => str(v)?.toLowerCase(),
  date: (v) => {
    const ms = parseTimestamp(v);
    // Unusable values pass through, so the timestamp check reports them as they were.
    return ms === null ? v : formatTimestamp(ms);
  },
  basename: (v) => fileName(v) || undefined,
  dirname: (v) => {
    const s = str(v);
    if (s === undefined) return undefined;
    const i = lastSep(s);
    return i > 0 ? s.slice(0, i) : undefined;
  },
  extension: (v) => {
    const name = fileName(v) ?? '';
    const dot = name.lastIndexOf('.');
    return dot > 0 ? name.slice(dot + 1) : undefined;
  },
  userDomain: (v) => {
    const parts = str(v)?.split('\\');
    return parts?.length === 2 && parts[0] ? parts[0] : undefined;
  },
  userName: (v) => {
    const parts = str(v)?.split('\\');
    return parts?.length === 2 && parts[1] ? parts[1] : undefined;
  },
  direction: (v) => pick(v, 'egress', 'ingress'),
  ipType: (v) => pick(v, 'ipv6', 'ipv4'),
  args: (v) => {
    const s = str(v);
    return s === undefined ? undefined : splitCommandLine(s);
  },
  argsCount: (v) => {
    const s = str(v);
    return s === undefined ? undefined : splitCommandLine(s).length;
  },
  list: (v) => (Array.isArray(v) ? v : [v]),
  // winlogbeat splits a PrivilegeList on blanks ("SeBackupPrivilege\r\n\t\t\tSeRestorePrivilege").
  words: (v) => {
    const words = str(v)?.split(/\s+/).filter(Boolean);
    return words?.length ? words : undefined;
  },
  registryHive: (v) => {
    const s = str(v);
    return s === undefined ? undefined : hive(s);
  },
  registryKey: (v) => {
    const s = str(v);
    if (s === undefined) return undefined;
    const i = s.indexOf('\\');
    return hive(s) && i > 0 ? s.slice(i + 1) : undefined;
  },
  // Sysmon's QueryResults: "type:  5 cname;::ffff:1.2.3.4;" → the addresses.
  dnsIps: (v) => {
    const s = str(v);
    if (s === undefined) return undefined;
    const ips = s.split(';').map((x) => x.trim()).filter((x) => x && !x.startsWith('type:')).map((x) => x.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1'));
    return ips.length ? ips : undefined;
  },
  logonType: (v) => {
    const s = str(v)?.trim();
    return s !== undefined && Object.hasOwn(LOGON_TYPES, s) ? LOGON_TYPES[s] : undefined;
  },
  auditOutcome,
  ip: ipAddress,
  // winlogbeat keeps a TargetUserName's part before '@'.
  beforeAt: (v) => str(v)?.split('@')[0] || undefined,
  // A member's distinguished name (CN=alice,OU=...) to its name, as winlogbeat does.
  cn: (v) => {
    const s = str(v);
    return s === undefined ? undefined : upTo(s, ',').replace(/^cn=/i, '') || undefined;
  },
  uacList: (v) => {
    const s = str(v)?.trim();
    const n = s && /^(0x[0-9a-f]+|\d+)$/i.test(s) ? Number(s) : NaN;
    if (!Number.isSafeInteger(n)) return undefined;
    const names = UAC_FLAGS.filter(([bit]) => (n & bit) === bit).map(([, name]) => name);
    return names.length ? names : undefined;
  },
  serviceType: (v) => {
    const s = str(v)?.trim().toLowerCase();
    return s !== undefined && Object.hasOwn(SERVICE_TYPES, s) ? SERVICE_TYPES[s] : undefined;
  },
  transport: (v) => {
    const s = str(v)?.trim();
    return s !== undefined && Object.hasOwn(TRANSPORTS, s) ? TRANSPORTS[s] : undefined;
  },
  // The object type of 4656/4663 decides their category: a file, a registry key (as 4657), a process (as Sysmon's 10).
  objectCategory: (v) => (v === 'File' ? ['file'] : v === 'Key' ? ['registry', 'configuration'] : v === 'Process' ? ['process'] : undefined),
  wfpDirection: (data) => {
    const inbound = wfpInbound(data);
    return inbound === undefined ? undefined : inbound ? 'ingress' : 'egress';
  },
  wfpSourceIp: wfpEnd('source', 'Address'),
  wfpSourcePort: wfpEnd('source', 'Port'),
  wfpDestinationIp: wfpEnd('destination', 'Address'),
  wfpDestinationPort: wfpEnd('destination', 'Port'),
  md5: hash('md5'),
  sha1: hash('sha1'),
  sha256: hash('sha256'),
  imphash: hash('imphash'),
};

/**
 * Splits a Windows command line as CommandLineToArgvW does: blanks separate arguments
 * outside quotes; 2n backslashes before a quote are n backslashes and the quote toggles
 * quoting, 2n+1 are n and a literal quote; `""` inside quotes is a literal quote.
 */
export function splitCommandLine(cmd: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < cmd.length) {
    while (cmd[i] === ' ' || cmd[i] === '\t') i++;
    if (i >= cmd.length) break;
    let arg = '';
    let quoted = false;
    for (; i < cmd.length; i++) {
      const c = cmd.charAt(i);
      if ((c === ' ' || c === '\t') && !quoted) break;
      if (c === '\\') {
        let n = 0;
        while (cmd[i] === '\\') { n++; i++; }
        if (cmd[i] === '"') {
          arg += '\\'.repeat(n >> 1);
          if (n % 2 === 1) { arg += '"'; continue; }
          i--; // let the quote be handled below
        } else {
          arg += '\\'.repeat(n);
          i--;
        }
        continue;
      }
      if (c === '"') {
        if (quoted && cmd[i + 1] === '"') { arg += '"'; i++; continue; }
        quoted = !quoted;
        continue;
      }
      arg += c;
    }
    args.push(arg);
  }
  return args;
}
