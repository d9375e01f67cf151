import type { FastifyRequest } from 'fastify'
import { describe, expect, it } from 'vitest'
import { acceptedKeys, bearerKeyCheck, requireAdminKey } from '../../../services/api/plugins/auth.js'
import { loadConfig } from '../../../services/shared/config/config.js'

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

describe('admin keys', () => {
  const request = (authorization?: string): FastifyRequest => ({ headers: authorization === undefined ? {} : { authorization } }) as FastifyRequest

  it('accepts API keys and admin keys on /v1, each once', () => {
    expect(acceptedKeys(['a', 'b'], ['b', 'admin'])).toEqual(['a', 'b', 'admin'])
  })

  it('lets an admin key through the admin check', async () => {
    await expect(requireAdminKey(['admin-key'])(request('Bearer admin-key'))).resolves.toBeUndefined()
  })

  it('refuses a key that is not an admin key with forbidden', async () => {
    await expect(requireAdminKey(['admin-key'])(request('Bearer api-key'))).rejects.toMatchObject({ name: 'GraderError', code: 'forbidden', status: 403 })
  })

  it('lets every request through when no admin key is configured', async () => {
    await expect(requireAdminKey([])(request('Bearer api-key'))).resolves.toBeUndefined()
  })

  it('reads GRADER_ADMIN_KEYS as a comma-separated list, empty by default', () => {
    expect(loadConfig({ GRADER_ADMIN_KEYS: ' ops-1, ,ops-2 ' }).adminKeys).toEqual(['ops-1', 'ops-2'])
    expect(loadConfig({}).adminKeys).toEqual([])
  })
})
