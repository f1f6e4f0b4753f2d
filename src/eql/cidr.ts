import ipaddr from 'ipaddr.js';

/** A compiled set of CIDR ranges; bare addresses mean /32 or /128. */
export type CidrMatcher = (ip: string) => boolean;

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * The address in `text`, parsed as strictly as Elasticsearch's `ip` type: IPv4 is four dotted
 * decimal parts 0-255 without leading zeros (`010.0.0.1`, `10.1`, `0x0a.0.0.1` and `167772161`
 * are not addresses); IPv6 is RFC 4291 text (1-4 hex digits per group, at most one `::`, an
 * optional dotted IPv4 tail); no zone ids, no spaces. IPv4-mapped IPv6 (`::ffff:1.2.3.4`) is
 * read as IPv4. Anything else → null, so it never matches a range.
 */
export function parseIp(text: string): Address | null {
  const bytes = text.includes(':') ? ipv6Bytes(text) : ipv4Bytes(text);
  if (!bytes) return null;
  const mapped = bytes.length === 16 && bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return ipaddr.fromByteArray(mapped ? bytes.slice(12) : bytes);
}

const OCTET = /^(0|[1-9][0-9]{0,2})$/;
const HEXTET = /^[0-9a-fA-F]{1,4}$/;

function ipv4Bytes(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return null;
  const bytes = parts.map(Number);
  return bytes.every((b) => b <= 255) ? bytes : null;
}

function ipv6Bytes(text: string): number[] | null {
  let head = text;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    const v4 = ipv4Bytes(text.slice(lastColon + 1));
    if (!v4) return null;
    // `::1.2.3.4` keeps its `::`; `a:b:c:d:e:f:1.2.3.4` drops the separating colon.
    head = text.slice(0, text[lastColon - 1] === ':' ? lastColon + 1 : lastColon);
    tail = v4;
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const [first = '', second] = halves;
  const left = groups(first);
  const right = second === undefined ? [] : groups(second);
  if (![...left, ...right].every((g) => HEXTET.test(g))) return null;
  const words = tail.length / 2 + left.length + right.length;
  if (halves.length === 2 ? words > 7 : words !== 8) return null;
  const hextets = [...left, ...Array<string>(8 - words).fill('0'), ...right].map((g) => parseInt(g, 16));
  return [...hextets.slice(0, 8 - tail.length / 2).flatMap((h) => [h >> 8, h & 0xff]), ...tail];
}

/** A range `addr/bits` or a bare address (all bits), parsed as strictly as `parseIp`; else null. */
export function parseCidr(text: string): [Address, number] | null {
  const slash = text.indexOf('/');
  const addr = parseIp(slash === -1 ? text : text.slice(0, slash));
  if (!addr) return null;
  const max = addr instanceof ipaddr.IPv4 ? 32 : 128;
  if (slash === -1) return [addr, max];
  const bits = text.slice(slash + 1);
  return /^[0-9]{1,3}$/.test(bits) && Number(bits) <= max ? [addr, Number(bits)] : null;
}

/**
 * Address order, as an `ip` field sorts: every address as 16 IPv6 bytes (IPv4 mapped),
 * compared bytewise; null when either side is not an address.
 */
export function compareIps(a: string, b: string): number | null {
  const x = parseIp(a);
  const y = parseIp(b);
  if (x === null || y === null) return null;
  const xs = (x instanceof ipaddr.IPv4 ? x.toIPv4MappedAddress() : x).toByteArray();
  const ys = (y instanceof ipaddr.IPv4 ? y.toIPv4MappedAddress() : y).toByteArray();
  for (let i = 0; i < xs.length; i++) {
    const d = (xs[i] ?? 0) - (ys[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

export function compileCidrs(ranges: [Address, number][]): CidrMatcher {
  // IPv4 ranges become (network, mask) integer pairs: the common case costs a few integer ops.
  const v4: [number, number][] = [];
  const v6: [ipaddr.IPv6, number][] = [];
  for (const [addr, bits] of ranges) {
    if (addr instanceof ipaddr.IPv4) {
      const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
      v4.push([(toUint32(addr) & mask) >>> 0, mask]);
    } else {
      v6.push([addr, bits]);
    }
  }
  return (text) => {
    const ip = parseIp(text);
    if (!ip) return false;
    if (ip instanceof ipaddr.IPv4) {
      const n = toUint32(ip);
      return v4.some(([net, mask]) => ((n & mask) >>> 0) === net);
    }
    return v6.some((r) => ip.match(r));
  };
}

function toUint32(addr: ipaddr.IPv4): number {
  const [a = 0, b = 0, c = 0, d = 0] = addr.octets;
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}
