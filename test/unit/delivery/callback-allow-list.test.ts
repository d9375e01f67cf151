import { describe, expect, it } from 'vitest'
import { CallbackAllowList, isPublicAddress, normalizeAddress } from '../../../services/delivery/callback-allow-list.js'
import { checkCallbackTarget, checkCallbackUrl, type LookupAll } from '../../../services/delivery/callback-url-check.js'
import { isGraderError } from '../../../services/shared/errors/grader-error.js'

const NON_PUBLIC = [
  '0.0.0.0', '10.1.2.3', '100.64.0.1', '100.127.255.254', '127.0.0.1', '127.255.255.254', '169.254.169.254',
  '172.16.0.1', '172.31.255.255', '192.0.0.8', '192.0.2.1', '192.168.1.1', '198.18.0.1', '198.51.100.7', '203.0.113.9',
  '224.0.0.1', '239.255.255.250', '240.0.0.1', '255.255.255.255',
  '::', '::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '::ffff:a9fe:a9fe', '::127.0.0.1', '64:ff9b::a00:1',
  '2001:db8::1', '2002:a00:1::1', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'fe80::1%eth0', 'ff02::1', '[::1]',
]
const PUBLIC = ['1.1.1.1', '8.8.8.8', '93.184.215.14', '100.63.255.255', '100.128.0.1', '172.32.0.1', '192.169.0.1',
  '2606:4700:4700::1111', '2a00:1450:4001::200e', '::ffff:8.8.8.8']

describe('isPublicAddress', () => {
  it.each(NON_PUBLIC)('refuses %s', address => { expect(isPublicAddress(address)).toBe(false) })
  it.each(PUBLIC)('accepts %s', address => { expect(isPublicAddress(address)).toBe(true) })
  it('refuses what is not an address', () => { expect(isPublicAddress('example.com')).toBe(false) })
  it('reads an IPv4-mapped address as the IPv4 address it maps to, in both spellings', () => {
    expect(normalizeAddress('::ffff:7f00:1')).toEqual({ address: '127.0.0.1', family: 4 })
    expect(normalizeAddress('::FFFF:10.0.0.1')).toEqual({ address: '10.0.0.1', family: 4 })
  })
})

describe('CallbackAllowList', () => {
  it('allows only public addresses by default', () => {
    const allow = new CallbackAllowList(['public'])
    expect(allow.allowsAddress('8.8.8.8')).toBe(true)
    expect(allow.allowsAddress('127.0.0.1')).toBe(false)
    expect(allow.allowsHost('localhost')).toBe(false)
  })
  it('replaces the default when it names no "public"', () => {
    const allow = new CallbackAllowList(['127.0.0.1'])
    expect(allow.allowsAddress('127.0.0.1')).toBe(true)
    expect(allow.allowsAddress('::ffff:127.0.0.1')).toBe(true)
    expect(allow.allowsAddress('127.0.0.2')).toBe(false)
    expect(allow.allowsAddress('8.8.8.8')).toBe(false)
  })
  it('allows addresses inside a CIDR and public ones beside it', () => {
    const allow = new CallbackAllowList(['public', '10.1.0.0/16', 'fd00::/8', '::ffff:192.168.0.0/112'])
    expect(allow.allowsAddress('10.1.200.3')).toBe(true)
    expect(allow.allowsAddress('10.2.0.1')).toBe(false)
    expect(allow.allowsAddress('fd00::5')).toBe(true)
    expect(allow.allowsAddress('fe80::1')).toBe(false)
    expect(allow.allowsAddress('192.168.3.4')).toBe(true)
    expect(allow.allowsAddress('1.1.1.1')).toBe(true)
  })
  it('allows host names exactly, and a wildcard\'s subdomains only', () => {
    const allow = new CallbackAllowList(['hooks.internal', '*.example.com'])
    expect(allow.allowsHost('HOOKS.internal.')).toBe(true)
    expect(allow.allowsHost('a.hooks.internal')).toBe(false)
    expect(allow.allowsHost('api.example.com')).toBe(true)
    expect(allow.allowsHost('example.com')).toBe(false)
    expect(allow.allowsHost('evilexample.com')).toBe(false)
  })
})

const resolvesTo = (...addresses: string[]): LookupAll => async () => addresses.map(address => ({ address, family: address.includes(':') ? 6 : 4 }))
async function codeOf (promise: Promise<unknown>): Promise<string | undefined> {
  try { await promise } catch (err) { return isGraderError(err) ? err.code : 'other' }
  return undefined
}

describe('checkCallbackUrl', () => {
  const publicOnly = new CallbackAllowList(['public'])
  it('accepts an https URL whose every address is public', async () => {
    expect((await checkCallbackUrl('https://hooks.example.com/grader', publicOnly, resolvesTo('93.184.215.14', '2606:4700::1'))).hostname).toBe('hooks.example.com')
  })
  it.each([
    ['ftp://example.com/x'], ['javascript:alert(1)'], ['not a url'], ['https://user:pw@example.com/'], ['https://user@example.com/'],
    ['http://127.0.0.1:8080/'], ['http://2130706433/'], ['http://0x7f.1/'], ['http://[::1]/'], ['http://[::ffff:127.0.0.1]/'],
    ['http://169.254.169.254/latest/meta-data'], ['http://10.0.0.1/'],
  ])('refuses %s with invalid_callback', async url => {
    expect(await codeOf(checkCallbackUrl(url, publicOnly, resolvesTo('93.184.215.14')))).toBe('invalid_callback')
  })
  it('refuses a name when any of its addresses is not public', async () => {
    expect(await codeOf(checkCallbackUrl('https://mixed.example/', publicOnly, resolvesTo('93.184.215.14', '10.0.0.1')))).toBe('invalid_callback')
  })
  it('refuses a name that does not resolve', async () => {
    expect(await codeOf(checkCallbackUrl('https://nowhere.invalid/', publicOnly, async () => { throw new Error('ENOTFOUND') }))).toBe('invalid_callback')
  })
  it('asks DNS nothing for a name allowed by name', async () => {
    const allow = new CallbackAllowList(['hooks.internal'])
    expect(checkCallbackTarget('http://hooks.internal/x', allow).resolve).toBeUndefined()
    expect(await codeOf(checkCallbackUrl('http://hooks.internal/x', allow, async () => { throw new Error('asked') }))).toBeUndefined()
  })
})
