import { BlockList, isIP } from 'node:net'

/**
 * Address ranges that are not the public internet (IANA special-purpose registries, RFC 6890 and
 * successors). A callback to any of them could reach the grader's own machine, its network or a
 * cloud metadata service, so they are refused unless `GRADER_CALLBACK_ALLOW` names them.
 */
const NON_PUBLIC_IPV4: Array<[string, number]> = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata services
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
]
const NON_PUBLIC_IPV6: Array<[string, number]> = [
  ['::', 96], // unspecified, loopback, IPv4-compatible (deprecated)
  ['::ffff:0:0:0', 96], // IPv4-translated (SIIT, RFC 2765): a translator would reach the IPv4 address it embeds
  ['64:ff9b::', 96], // NAT64: would reach whatever IPv4 address it embeds
  ['64:ff9b:1::', 48], // local NAT64
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments (Teredo included)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: embeds an IPv4 address
  ['3fff::', 20], // documentation (RFC 9637)
  ['5f00::', 16], // SRv6 segment ids (RFC 9602): not globally reachable
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
]

const nonPublic = new BlockList()
for (const [net, prefix] of NON_PUBLIC_IPV4) nonPublic.addSubnet(net, prefix, 'ipv4')
for (const [net, prefix] of NON_PUBLIC_IPV6) nonPublic.addSubnet(net, prefix, 'ipv6')

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a dotted IPv4 tail converted). */
function ipv6Groups (address: string): number[] {
  let text = address
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number]
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head, tail] = text.includes('::') ? text.split('::') as [string, string] : [text, undefined]
  const part = (s: string | undefined) => (s === undefined || s === '' ? [] : s.split(':').map(g => parseInt(g, 16)))
  const left = part(head)
  const right = part(tail)
  return tail === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right]
}

/**
 * An address as the checks compare it: an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`, also
 * written `::ffff:a00:1`) is the IPv4 address it maps to, since connecting to one reaches the
 * other; brackets and a zone id (`fe80::1%eth0`) are dropped. Returns null for a non-address.
 */
export function normalizeAddress (raw: string): { address: string, family: 4 | 6 } | null {
  let address = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw
  address = address.split('%')[0]!.toLowerCase()
  const family = isIP(address)
  if (family === 4) return { address, family: 4 }
  if (family !== 6) return null
  const groups = ipv6Groups(address)
  if (groups.slice(0, 5).every(g => g === 0) && groups[5] === 0xffff) {
    return { address: [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.'), family: 4 }
  }
  return { address, family: 6 }
}

/** Whether an IP address is on the public internet (none of the special-purpose ranges above). */
export function isPublicAddress (raw: string): boolean {
  const ip = normalizeAddress(raw)
  if (ip === null) return false
  return !nonPublic.check(ip.address, ip.family === 4 ? 'ipv4' : 'ipv6')
}

/**
 * Where callbacks may go, from `GRADER_CALLBACK_ALLOW`'s entries:
 * - `public`: every public address (the default, alone);
 * - an IP address or a CIDR (`127.0.0.1`, `10.1.0.0/16`, `fd00::/8`): addresses in it;
 * - a host name (`hooks.example.com`) or a wildcard (`*.example.com`, its subdomains only):
 *   that name, whatever it resolves to, as the operator vouches for it.
 * The list replaces the default: `GRADER_CALLBACK_ALLOW=10.0.0.0/8` allows that network and no
 * public address; `public,10.0.0.0/8` allows both.
 */
export class CallbackAllowList {
  private readonly publicAllowed: boolean
  private readonly ranges = new BlockList()
  private readonly hosts = new Set<string>()
  private readonly suffixes: string[] = []

  constructor (entries: readonly string[]) {
    this.publicAllowed = entries.includes('public')
    for (const entry of entries) {
      if (entry === 'public') continue
      const [net, prefix] = entry.split('/')
      const ip = normalizeAddress(net!)
      if (ip !== null) {
        const type = ip.family === 4 ? 'ipv4' : 'ipv6'
        if (prefix === undefined) this.ranges.addAddress(ip.address, type)
        // an IPv4-mapped CIDR (::ffff:10.0.0.0/104) is the IPv4 CIDR it maps to
        else this.ranges.addSubnet(ip.address, ip.family === 4 && isIP(net!) === 6 ? Number(prefix) - 96 : Number(prefix), type)
      } else if (entry.startsWith('*.')) {
        this.suffixes.push(hostKey(entry.slice(1)))
      } else {
        this.hosts.add(hostKey(entry))
      }
    }
  }

  /** Whether a host name is allowed by name (then its addresses are not checked). */
  allowsHost (hostname: string): boolean {
    const key = hostKey(hostname)
    return this.hosts.has(key) || this.suffixes.some(suffix => key.endsWith(suffix))
  }

  /** Whether an IP address may be connected to. */
  allowsAddress (raw: string): boolean {
    const ip = normalizeAddress(raw)
    if (ip === null) return false
    if (this.ranges.check(ip.address, ip.family === 4 ? 'ipv4' : 'ipv6')) return true
    return this.publicAllowed && isPublicAddress(ip.address)
  }
}

/** Host names compare case-insensitively, with or without the root's trailing dot. */
function hostKey (hostname: string): string {
  const lower = hostname.toLowerCase()
  return lower.endsWith('.') ? lower.slice(0, -1) : lower
}
