import { describe, expect, it } from 'vitest'
import { deliveryState } from '../../../services/api/routes/v1/submissions/deliveries.js'
import type { DeliveryAttempt } from '../../../services/delivery/delivery-log.js'

const attempt = (extra: Partial<DeliveryAttempt>): DeliveryAttempt =>
  ({ attempt: 1, webhookId: 'msg_x', at: '2026-12-01T00:00:00.000Z', url: 'https://h.example/', durationMs: 3, ...extra })

describe('deliveryState', () => {
  const withUrl = { callbackUrl: 'https://h.example/' }
  it('is none without a callbackUrl', () => { expect(deliveryState({}, [])).toBe('none') })
  it('is pending before the first attempt and while a retry is due', () => {
    expect(deliveryState(withUrl, [])).toBe('pending')
    expect(deliveryState(withUrl, [attempt({ statusCode: 503, error: 'the receiver answered 503', nextAttemptAt: '2026-12-01T00:00:30.000Z' })])).toBe('pending')
  })
  it('is delivered after a 2xx and failed once retries ran out', () => {
    expect(deliveryState(withUrl, [attempt({ statusCode: 204 })])).toBe('delivered')
    expect(deliveryState(withUrl, [attempt({ error: 'connect ECONNREFUSED' })])).toBe('failed')
  })
})
