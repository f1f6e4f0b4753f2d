import ipaddr from 'ipaddr.js';

/** A compiled set of CIDR ranges; bare addresses mean /32 or /128. */
export type CidrMatcher = (ip: string) => boolean;

type Address = ipaddr.IPv4 | ipaddr.IPv6;

export function parseCidr(text: string): [Address, number] | null {
  try {
    if (text.includes('/')) return ipaddr.parseCIDR(text);
    const addr = ipaddr.parse(text);
    return [addr, addr instanceof ipaddr.IPv4 ? 32 : 128];
  } catch {
    return null;
  }
}

/** Parses an address; IPv4-mapped IPv6 (`::ffff:1.2.3.4`) is read as IPv4. Unparsable → null. */
export function parseIp(text: string): Address | null {
  if (!ipaddr.isValid(text)) return null;
  try {
    const addr = ipaddr.parse(text);
    return addr instanceof ipaddr.IPv6 && addr.isIPv4MappedAddress() ? addr.toIPv4Address() : addr;
  } catch {
    return null;
  }
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
