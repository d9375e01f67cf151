import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../../services/shared/config/config.js'
import { retryDelaysMs } from '../../../services/delivery/delivery-schedule.js'

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`

function problems (env: Record<string, string>): string[] {
  try { loadConfig(env) } catch (err) { if (err instanceof ConfigError) return err.problems; throw err }
  return []
}

describe('webhook configuration', () => {
  it('defaults to public callback targets only, a generated secret and a schedule of at least 24 h', () => {
    const config = loadConfig({})
    expect(config.callbackAllow).toEqual(['public'])
    expect(config.webhookSecret).toBeUndefined()
    expect(config.webhookHeaders).toEqual({})
    expect(retryDelaysMs(config.webhookRetry).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(24 * 3600 * 1000)
  })
  it('reads a secret, headers (names lower-cased) and an allow-list', () => {
    const config = loadConfig({ GRADER_WEBHOOK_SECRET: SECRET, GRADER_WEBHOOK_HEADERS: '{"Authorization":"Bearer t"}', GRADER_CALLBACK_ALLOW: 'public, 10.0.0.0/8,*.Example.com' })
    expect(config.webhookSecret).toBe(SECRET)
    expect(config.webhookHeaders).toEqual({ authorization: 'Bearer t' })
    expect(config.callbackAllow).toEqual(['public', '10.0.0.0/8', '*.example.com'])
  })
  it.each([
    [{ GRADER_WEBHOOK_SECRET: 'not-a-secret' }, /GRADER_WEBHOOK_SECRET/],
    [{ GRADER_WEBHOOK_SECRET: `whsec_${Buffer.alloc(8).toString('base64')}` }, /24 to 64 bytes/],
    [{ GRADER_WEBHOOK_HEADERS: '["a"]' }, /JSON object/],
    [{ GRADER_WEBHOOK_HEADERS: '{"webhook-signature":"v1,forged"}' }, /set by the grader itself/],
    [{ GRADER_WEBHOOK_HEADERS: '{"X-A":"one\\r\\nX-B: two"}' }, /on one line/],
    [{ GRADER_WEBHOOK_HEADERS: '{"bad name":"x"}' }, /not a header name/],
    [{ GRADER_CALLBACK_ALLOW: '10.0.0.0/33' }, /not a CIDR/],
    [{ GRADER_CALLBACK_ALLOW: 'http://example.com' }, /GRADER_CALLBACK_ALLOW entry "http:\/\/example.com"/],
    [{ GRADER_CALLBACK_ALLOW: 'hooks_example' }, /must be public, a host name/],
  ])('refuses %j', (env, message) => {
    expect(problems(env).join('\n')).toMatch(message)
  })
})
