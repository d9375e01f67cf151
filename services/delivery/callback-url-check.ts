import { lookup } from 'node:dns/promises'
import { GraderError } from '../shared/errors/grader-error.js'
import { normalizeAddress, type CallbackAllowList } from './callback-allow-list.js'

/** Every address a host name resolves to (all families), as `dns.lookup` gives them. */
export type LookupAll = (hostname: string) => Promise<Array<{ address: string, family: number }>>

const lookupAll: LookupAll = async hostname => await lookup(hostname, { all: true, verbatim: true })

const refuse = (message: string) => new GraderError('invalid_callback', message)

/**
 * The checks that need no DNS: an `http:` or `https:` URL, no user name or password (they would
 * be sent to the receiver in the clear and logged with the URL), and a host that is either
 * allowed by name, an allowed IP literal, or a name whose addresses are still to be checked.
 * Run on the submitted URL and on every redirect target.
 *
 * @returns the parsed URL and, when its host is a name not allowed as such, that name
 */
export function checkCallbackTarget (raw: string, allow: CallbackAllowList): { url: URL, resolve?: string } {
  let url: URL
  try { url = new URL(raw) } catch { throw refuse('callbackUrl is not a URL') }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuse(`callbackUrl must be http: or https:, not ${url.protocol}`)
  if (url.username !== '' || url.password !== '') throw refuse('callbackUrl may not carry a user name or password; use GRADER_WEBHOOK_HEADERS for the receiver\'s credentials')
  // WHATWG parsing already turned 0x7f.1, 2130706433 and the like into a dotted address
  const ip = normalizeAddress(url.hostname)
  if (ip !== null) {
    if (!allow.allowsAddress(ip.address)) throw refuse(`callbackUrl address ${url.hostname} is not allowed (GRADER_CALLBACK_ALLOW)`)
    return { url }
  }
  if (allow.allowsHost(url.hostname)) return { url }
  return { url, resolve: url.hostname }
}

/**
 * Checks a submitted `callbackUrl` (400 `invalid_callback` otherwise): the target checks above,
 * then every address its host resolves to must be allowed. Delivery checks again on each
 * connection, after its own resolution, since DNS may answer differently by then.
 */
export async function checkCallbackUrl (raw: string, allow: CallbackAllowList, resolve: LookupAll = lookupAll): Promise<URL> {
  const { url, resolve: hostname } = checkCallbackTarget(raw, allow)
  if (hostname === undefined) return url
  let addresses: Array<{ address: string }>
  try { addresses = await resolve(hostname) } catch { addresses = [] }
  if (addresses.length === 0) throw refuse(`callbackUrl host ${JSON.stringify(hostname.slice(0, 253))} does not resolve`)
  const refused = addresses.find(a => !allow.allowsAddress(a.address))
  if (refused !== undefined) throw refuse(`callbackUrl host ${JSON.stringify(hostname.slice(0, 253))} resolves to ${refused.address}, which is not allowed (GRADER_CALLBACK_ALLOW)`)
  return url
}
