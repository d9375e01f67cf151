import type { LookupAddress } from 'node:dns'
import { describe, expect, it } from 'vitest'
import { CallbackAllowList } from '../../../services/delivery/callback-allow-list.js'
import { guardedLookup } from '../../../services/delivery/webhook-sender.js'

/** A stand-in for dns.lookup that answers `addresses` for every name, as `all: true` does. */
const dnsAnswering = (...addresses: string[]) => ((_host: string, _opts: unknown, cb: (err: Error | null, all: LookupAddress[]) => void) => {
  cb(null, addresses.map(address => ({ address, family: address.includes(':') ? 6 : 4 })))
}) as unknown as typeof import('node:dns').lookup

function resolveWith (lookup: ReturnType<typeof guardedLookup>, all: boolean): Promise<{ err: Error | null, result: unknown }> {
  return new Promise(resolve => {
    lookup('hooks.example.com', { all }, ((err: Error | null, address: unknown, family?: number) => {
      resolve({ err, result: all ? address : { address, family } })
    }) as never)
  })
}

describe('guardedLookup (the check on the connection itself)', () => {
  const publicOnly = new CallbackAllowList(['public'])
  it('connects to a name whose every address is allowed', async () => {
    expect(await resolveWith(guardedLookup(publicOnly, dnsAnswering('93.184.215.14')), false)).toEqual({ err: null, result: { address: '93.184.215.14', family: 4 } })
    const { result } = await resolveWith(guardedLookup(publicOnly, dnsAnswering('93.184.215.14', '2606:4700::1')), true)
    expect(result).toHaveLength(2)
  })
  it('refuses a name that now resolves to loopback (DNS rebinding after the submission-time check)', async () => {
    const { err } = await resolveWith(guardedLookup(publicOnly, dnsAnswering('127.0.0.1')), false)
    expect(err?.message).toMatch(/resolves to 127\.0\.0\.1, which is not allowed/)
  })
  it('refuses when any one address is internal, even if net would pick a public one', async () => {
    for (const all of [false, true]) {
      const { err } = await resolveWith(guardedLookup(publicOnly, dnsAnswering('93.184.215.14', '::ffff:169.254.169.254')), all)
      expect(err).toBeInstanceOf(Error)
    }
  })
  it('lets a name allowed by name resolve to anything', async () => {
    const allow = new CallbackAllowList(['hooks.example.com'])
    expect((await resolveWith(guardedLookup(allow, dnsAnswering('10.0.0.5')), false)).err).toBeNull()
  })
})
