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

/** The ECS hive of a registry path's first segment; own keys only (the path comes from the logs: `__proto__` is no hive). */
function hive(path: string): string | undefined {
  const first = path.split('\\')[0]!;
  return Object.hasOwn(HIVES, first) ? HIVES[first] : undefined;
}

const HIVES: Record<string, string> = {
  HKEY_CLASSES_ROOT: 'HKCR', HKCR: 'HKCR', HKEY_CURRENT_CONFIG: 'HKCC', HKCC: 'HKCC',
  HKEY_CURRENT_USER: 'HKCU', HKCU: 'HKCU', HKEY_LOCAL_MACHINE: 'HKLM', HKLM: 'HKLM',
  HKEY_USERS: 'HKU', HKU: 'HKU',
};

/** The transforms a map may name after `|`. */
export const TRANSFORMS: Record<string, Transform> = {
  string: (v) => str(v),
  long: (v) => {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
    return Number.isSafeInteger(n) ? n : undefined;
  },
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
    const i = s === undefined ? -1 : lastSep(s);
    return i > 0 ? s!.slice(0, i) : undefined;
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
      const c = cmd[i]!;
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
