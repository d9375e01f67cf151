import { describe, expect, it } from 'vitest'
import { bearerKeyCheck } from '../../../services/api/plugins/auth.js'

describe('bearerKeyCheck', () => {
  const check = bearerKeyCheck(['alpha-key', 'beta-key'])

  it('accepts every configured key', () => {
    expect(check('Bearer alpha-key')).toBe(true)
    expect(check('Bearer beta-key')).toBe(true)
  })

  it('accepts the scheme in any case and surrounding spaces', () => {
    expect(check('bearer alpha-key')).toBe(true)
    expect(check('BEARER   alpha-key  ')).toBe(true)
  })

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['a scheme with no key', 'Bearer '],
    ['a wrong key', 'Bearer alpha-kez'],
    ['a prefix of a key', 'Bearer alpha'],
    ['a key plus more', 'Bearer alpha-key2'],
    ['another scheme', 'Basic alpha-key'],
    ['a bare key', 'alpha-key'],
  ])('refuses %s', (_what, header) => {
    expect(check(header)).toBe(false)
  })

  it('refuses everything when no key is configured', () => {
    const none = bearerKeyCheck([])
    expect(none('Bearer ')).toBe(false)
    expect(none('Bearer anything')).toBe(false)
  })

  it('answers a hostile 16 KiB header quickly', () => {
    const started = performance.now()
    expect(check(`Bearer x${' '.repeat(16 * 1024)}y`)).toBe(false)
    expect(performance.now() - started).toBeLessThan(50)
  })
})
