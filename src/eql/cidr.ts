import ipaddr from 'ipaddr.js';

/** A compiled set of CIDR ranges; bare addresses mean /32 or /128. */
export type CidrMatcher = (ip: string) => boolean;

export function parseCidr(text: string): [ipaddr.IPv4 | ipaddr.IPv6, number] | null {
  try {
    if (text.includes('/')) return ipaddr.parseCIDR(text);
    const addr = ipaddr.parse(text);
    return [addr, addr.kind() === 'ipv4' ? 32 : 128];
  } catch {
    return null;
  }
}

/** Parses an address; IPv4-mapped IPv6 (`::ffff:1.2.3.4`) is read as IPv4. Unparsable → null. */
export function parseIp(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (!ipaddr.isValid(text)) return null;
  try {
    const addr = ipaddr.parse(text);
    if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) return (addr as ipaddr.IPv6).toIPv4Address();
    return addr;
  } catch {
    return null;
  }
}

export function compileCidrs(ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][]): CidrMatcher {
  // IPv4 ranges become (network, mask) integer pairs: the common case costs a few integer ops.
  const v4: [number, number][] = [];
  const v6: [ipaddr.IPv6, number][] = [];
  for (const [addr, bits] of ranges) {
    if (addr.kind() === 'ipv4') {
      const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
      v4.push([(toUint32(addr as ipaddr.IPv4) & mask) >>> 0, mask]);
    } else {
      v6.push([addr as ipaddr.IPv6, bits]);
    }
  }
  return (text) => {
    const ip = parseIp(text);
    if (!ip) return false;
    if (ip.kind() === 'ipv4') {
      const n = toUint32(ip as ipaddr.IPv4);
      return v4.some(([net, mask]) => ((n & mask) >>> 0) === net);
    }
    return v6.some((r) => (ip as ipaddr.IPv6).match(r));
  };
}

function toUint32(addr: ipaddr.IPv4): number {
  const [a, b, c, d] = addr.octets as [number, number, number, number];
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}
