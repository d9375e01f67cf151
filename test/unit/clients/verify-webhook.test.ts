import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import { parseRetryAfterS } from '../../../clients/typescript/grader-api-error.js'
import { verifyWebhook, WebhookVerificationError } from '../../../clients/typescript/verify-webhook.js'

const SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`
const PAYLOAD = JSON.stringify({ type: 'submission.done', timestamp: '2026-12-01T00:00:00.000Z', data: { id: 's-1', state: 'done' } })

/** Headers as a grader would send them, signed at `at`. */
function signed (body: string, at = new Date()): Record<string, string> {
  return {
    'webhook-id': 'msg_submission_s-1',
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(SECRET).sign('msg_submission_s-1', at, body),
  }
}

describe('verifyWebhook', () => {
  it('returns the payload of a signed delivery, from Node-style or fetch headers, string or bytes', () => {
    const headers = signed(PAYLOAD)
    const expected = JSON.parse(PAYLOAD)
    expect(verifyWebhook(SECRET, PAYLOAD, headers)).toEqual(expected)
    expect(verifyWebhook(SECRET, Buffer.from(PAYLOAD), { ...headers, 'webhook-id': [headers['webhook-id']!] })).toEqual(expected)
    const upper = new Headers(Object.entries(headers).map(([k, v]): [string, string] => [k.toUpperCase(), v]))
    expect(verifyWebhook(SECRET, new TextEncoder().encode(PAYLOAD), upper)).toEqual(expected)
  })

  it('refuses a changed body, another secret, a missing header and an old timestamp', () => {
    const headers = signed(PAYLOAD)
    expect(() => verifyWebhook(SECRET, PAYLOAD.replace('done', 'dune'), headers)).toThrow(WebhookVerificationError)
    expect(() => verifyWebhook(`whsec_${Buffer.from('another secret of 32 bytes......').toString('base64')}`, PAYLOAD, headers)).toThrow(WebhookVerificationError)
    const { 'webhook-signature': _gone, ...unsigned } = headers
    expect(() => verifyWebhook(SECRET, PAYLOAD, unsigned)).toThrow(WebhookVerificationError)
    expect(() => verifyWebhook(SECRET, PAYLOAD, signed(PAYLOAD, new Date(Date.now() - 10 * 60_000)))).toThrow(WebhookVerificationError)
  })
})

describe('parseRetryAfterS', () => {
  it('reads delta-seconds and HTTP dates, and nothing else', () => {
    const now = new Date('2026-12-01T00:00:00Z')
    expect(parseRetryAfterS('120', now)).toBe(120)
    expect(parseRetryAfterS('Tue, 01 Dec 2026 00:00:30 GMT', now)).toBe(30)
    expect(parseRetryAfterS('Mon, 30 Nov 2026 00:00:00 GMT', now)).toBe(0)
    expect(parseRetryAfterS('soon', now)).toBeUndefined()
    expect(parseRetryAfterS(null, now)).toBeUndefined()
  })
})
