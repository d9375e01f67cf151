import { describe, expect, it } from 'vitest'
import { retryDelaysMs } from '../../../services/delivery/delivery-schedule.js'

describe('retryDelaysMs', () => {
  it('covers at least 24 hours by default, doubling from 30 s up to 4 h', () => {
    const delays = retryDelaysMs({ baseMs: 30_000, maxMs: 14_400_000, forS: 86_400 })
    expect(delays.slice(0, 3)).toEqual([30_000, 60_000, 120_000])
    expect(Math.max(...delays)).toBe(14_400_000)
    const totalMs = delays.reduce((a, b) => a + b, 0)
    expect(totalMs).toBeGreaterThanOrEqual(86_400_000)
    // one retry fewer would fall short of the window
    expect(totalMs - delays.at(-1)!).toBeLessThan(86_400_000)
  })
  it('retries at least once, even with no window', () => {
    expect(retryDelaysMs({ baseMs: 100, maxMs: 100, forS: 0 })).toEqual([100])
  })
})
