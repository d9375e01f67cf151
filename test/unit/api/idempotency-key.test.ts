import { describe, expect, it } from 'vitest'
import { bodyHash, idempotencyScope, readIdempotencyKey } from '../../../services/api/idempotency-key.js'

describe('readIdempotencyKey', () => {
  it('returns undefined when the header is absent', () => {
    expect(readIdempotencyKey(undefined)).toBeUndefined()
  })

  it.each([
    ['a UUID', '8e0f5a8c-3f0e-4c55-9d4c-1f2a3b4c5d6e'],
    ['base64', 'q83vEjRWeJA+/w=='],
    ['255 characters', 'k'.repeat(255)],
  ])('accepts %s', (_what, key) => {
    expect(readIdempotencyKey(key)).toBe(key)
  })

  it('reads a structured-field string ("…") as its content', () => {
    expect(readIdempotencyKey('"abc-123"')).toBe('abc-123')
  })

  it.each([
    ['empty', ''],
    ['only quotes', '""'],
    ['256 characters', 'k'.repeat(256)],
    ['a space inside', 'a b'],
    ['a comma', 'a,b'],
    ['a backslash', 'a\\b'],
    ['a non-ASCII letter', 'clé'],
    ['a control character', 'a\u0001b'],
  ])('refuses a key %s with 400 invalid_request', (_what, key) => {
    expect(() => readIdempotencyKey(key)).toThrow(expect.objectContaining({ code: 'invalid_request', status: 400 }))
  })

  it('refuses the header sent twice', () => {
    expect(() => readIdempotencyKey(['a', 'b'])).toThrow(expect.objectContaining({ code: 'invalid_request' }))
  })
})

describe('bodyHash', () => {
  it('is the same for the same body whatever the order of its keys, at any depth', () => {
    expect(bodyHash({ a: 1, b: { c: [1, { d: 2, e: 3 }] } })).toBe(bodyHash({ b: { c: [1, { e: 3, d: 2 }] }, a: 1 }))
  })

  it('differs when a value or the order of an array differs', () => {
    expect(bodyHash({ a: [1, 2] })).not.toBe(bodyHash({ a: [2, 1] }))
    expect(bodyHash({ a: '1' })).not.toBe(bodyHash({ a: 1 }))
  })
})

describe('idempotencyScope', () => {
  it('is one scope per API key, whatever the scheme\'s case, and never the key itself', () => {
    const scope = idempotencyScope('Bearer secret-key-1')
    expect(idempotencyScope('bearer secret-key-1')).toBe(scope)
    expect(idempotencyScope('Bearer secret-key-2')).not.toBe(scope)
    expect(scope).toMatch(/^[0-9a-f]{16}$/)
    expect(scope).not.toContain('secret')
  })
})
