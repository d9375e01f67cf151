import { afterEach, describe, expect, it } from 'vitest'
import { LANGUAGE_LIMITS, LIMIT_KEYS, LIMITS, resolveLimits, type LimitKey } from '../../../services/shared/config/limits.js'

/** A language made up for these tests, so real overrides can change freely. */
const LANG = 'testlang'

afterEach(() => {
  delete LANGUAGE_LIMITS[LANG]
})

const defaults = () => Object.fromEntries(LIMIT_KEYS.map(k => [k, LIMITS[k].default]))

describe('LIMITS', () => {
  it.each(LIMIT_KEYS)('has a %s default inside its own min..max range', key => {
    const spec = LIMITS[key]
    expect(spec.min).toBeLessThanOrEqual(spec.default)
    expect(spec.default).toBeLessThanOrEqual(spec.max)
    expect(spec.min).toBeGreaterThan(0)
  })

  it.each(LIMIT_KEYS)('describes %s and names its unit', key => {
    expect(LIMITS[key].description.length).toBeGreaterThan(10)
    expect(LIMITS[key].unit).not.toBe('')
  })
})

describe('resolveLimits', () => {
  it('returns the global defaults for a language without overrides and no request', () => {
    expect(resolveLimits('no-such-language')).toEqual(defaults())
  })

  it('returns a value for every key and nothing else', () => {
    expect(Object.keys(resolveLimits('python')).sort()).toEqual([...LIMIT_KEYS].sort())
  })

  it('keeps requested values inside the range', () => {
    const limits = resolveLimits('python', { timeoutMs: 5000, memoryMb: 512, cpus: 0.5, pids: 100, outputKb: 128 })
    expect(limits).toEqual({ timeoutMs: 5000, memoryMb: 512, cpus: 0.5, pids: 100, outputKb: 128 })
  })

  it.each(LIMIT_KEYS)('clamps a %s above the server maximum to the maximum', (key: LimitKey) => {
    expect(resolveLimits('python', { [key]: LIMITS[key].max * 10 })[key]).toBe(LIMITS[key].max)
  })

  it.each(LIMIT_KEYS)('clamps a %s below the minimum to the minimum', (key: LimitKey) => {
    expect(resolveLimits('python', { [key]: 0 })[key]).toBe(LIMITS[key].min)
    expect(resolveLimits('python', { [key]: -5 })[key]).toBe(LIMITS[key].min)
  })

  it('takes a per-language override over the global default', () => {
    LANGUAGE_LIMITS[LANG] = { memoryMb: 512 }
    const limits = resolveLimits(LANG)
    expect(limits.memoryMb).toBe(512)
    expect(limits.timeoutMs).toBe(LIMITS.timeoutMs.default)
  })

  it('takes a requested value over the per-language override', () => {
    LANGUAGE_LIMITS[LANG] = { memoryMb: 512 }
    expect(resolveLimits(LANG, { memoryMb: 128 }).memoryMb).toBe(128)
  })

  it('clamps a per-language override to the server maximum too', () => {
    LANGUAGE_LIMITS[LANG] = { memoryMb: LIMITS.memoryMb.max + 1 }
    expect(resolveLimits(LANG).memoryMb).toBe(LIMITS.memoryMb.max)
  })

  it('does not apply one language override to another language', () => {
    LANGUAGE_LIMITS[LANG] = { memoryMb: 512 }
    expect(resolveLimits('python').memoryMb).toBe(LIMITS.memoryMb.default)
  })
})

describe('whole numbers', () => {
  it('rounds fractional limits Docker only takes as integers, and keeps fractional cpus', () => {
    const limits = resolveLimits('python', { pids: 10.5, memoryMb: 100.4, timeoutMs: 1500.7, outputKb: 2.2, cpus: 0.5 })
    expect(limits).toMatchObject({ pids: 11, memoryMb: 100, timeoutMs: 1501, outputKb: 2, cpus: 0.5 })
  })
})
