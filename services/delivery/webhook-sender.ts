import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns'
import type { LookupFunction } from 'node:net'
import { Agent, request } from 'undici'
import { GraderError } from '../shared/errors/grader-error.js'
import type { CallbackAllowList } from './callback-allow-list.js'
import { checkCallbackTarget } from './callback-url-check.js'

/** Redirects followed per attempt, each target checked like the first. */
export const MAX_REDIRECTS = 3
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])

/**
 * A `net` lookup that resolves every address of a name and refuses the connection unless each
 * is allowed (or the name itself is). It runs on the connection itself, so the address checked
 * is the address connected to: a name that resolved to a public address at submission time and
 * to 127.0.0.1 now (DNS rebinding) is refused now.
 */
export function guardedLookup (allow: CallbackAllowList, lookup: typeof dnsLookup = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { ...(options as LookupOptions), all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0)
      const all = addresses as unknown as LookupAddress[]
      const byName = allow.allowsHost(hostname)
      const refused = byName ? undefined : all.find(a => !allow.allowsAddress(a.address))
      if (all.length === 0 || refused !== undefined) {
        const reason = refused === undefined ? 'resolves to no address' : `resolves to ${refused.address}, which is not allowed (GRADER_CALLBACK_ALLOW)`
        return callback(Object.assign(new GraderError('invalid_callback', `${hostname} ${reason}`), { errno: 0, syscall: 'lookup' }), '', 0)
      }
      // net asks for every address when it races families (autoSelectFamily), one otherwise
      if ((options as LookupOptions).all === true) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, all)
      else callback(null, all[0]!.address, all[0]!.family)
    })
  }
}

/** The HTTP client of deliveries: every connection goes through `guardedLookup`. */
export function deliveryAgent (allow: CallbackAllowList): Agent {
  return new Agent({ connect: { lookup: guardedLookup(allow) }, keepAliveTimeout: 4_000 })
}

export interface SentWebhook {
  /** Status of the last answer (after redirects). */
  statusCode: number
  /** The URL that gave it. */
  url: string
}

/**
 * POSTs one signed body, following redirects by hand (at most `MAX_REDIRECTS`), each target
 * checked before it is connected to: a receiver that redirects to an internal address gets the
 * attempt refused, not followed. Every redirect is followed with the same POST (a webhook sent
 * as a GET would carry nothing). Answer bodies are discarded unread.
 *
 * @throws on no answer (refused target, DNS, connection, timeout)
 */
export async function postWebhook (opts: {
  url: string
  body: string
  headers: Record<string, string>
  agent: Agent
  allow: CallbackAllowList
  timeoutMs: number
}): Promise<SentWebhook> {
  const signal = AbortSignal.timeout(opts.timeoutMs)
  let url = opts.url
  for (let hop = 0; ; hop++) {
    checkCallbackTarget(url, opts.allow)
    const answer = await request(url, { method: 'POST', body: opts.body, headers: opts.headers, dispatcher: opts.agent, signal, maxRedirections: 0 })
    await answer.body.dump().catch(() => {})
    const location = answer.headers.location
    if (!REDIRECT_STATUSES.has(answer.statusCode) || typeof location !== 'string') return { statusCode: answer.statusCode, url }
    if (hop >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`)
    let next: string
    try { next = new URL(location, url).href } catch { throw new Error('redirect to an invalid URL') }
    try { checkCallbackTarget(next, opts.allow) } catch (err) {
      throw new Error(`redirect to ${next.slice(0, 200)} not followed: ${(err as Error).message}`, { cause: err })
    }
    url = next
  }
}
