import { afterEach, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LANGUAGE_LIMITS, LIMIT_KEYS, LIMITS, readLanguageLimits, resolveLimits, type LimitKey } from '../../../services/shared/config/limits.js'
import { Value } from 'typebox/value'
import { LimitsRequestSchema } from '../../../services/shared/contracts/submission-schema.js'

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
    const limits = resolveLimits('python', { timeoutMs: 5000, testTimeoutMs: 3000, memoryMb: 512, cpus: 0.5, pids: 100, outputKb: 128 })
    expect(limits).toEqual({ timeoutMs: 5000, testTimeoutMs: 3000, memoryMb: 512, cpus: 0.5, pids: 100, outputKb: 128 })
  })

  it.each(LIMIT_KEYS)('clamps a %s above the server maximum to the maximum', (key: LimitKey) => {
    // The whole run at its maximum too, so that testTimeoutMs is not clamped to a shorter run.
    const requested = { timeoutMs: LIMITS.timeoutMs.max, [key]: LIMITS[key].max * 10 }
    expect(resolveLimits('python', requested)[key]).toBe(LIMITS[key].max)
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
    const limits = resolveLimits('python', { pids: 10.5, memoryMb: 100.4, timeoutMs: 1500.7, testTimeoutMs: 1200.6, outputKb: 2.2, cpus: 0.5 })
    expect(limits).toMatchObject({ pids: 11, memoryMb: 100, timeoutMs: 1501, testTimeoutMs: 1201, outputKb: 2, cpus: 0.5 })
  })
})

describe('testTimeoutMs', () => {
  it('defaults to 5000 ms, between 100 ms and 60000 ms', () => {
    expect(LIMITS.testTimeoutMs).toMatchObject({ default: 5000, min: 100, max: 60_000, unit: 'ms' })
    expect(resolveLimits('python').testTimeoutMs).toBe(5000)
  })

  it('clamps testTimeoutMs to timeoutMs when one test asks for longer than the whole run', () => {
    expect(resolveLimits('python', { timeoutMs: 2000, testTimeoutMs: 8000 })).toMatchObject({ timeoutMs: 2000, testTimeoutMs: 2000 })
  })

  it('clamps the default testTimeoutMs to a requested run shorter than it', () => {
    expect(resolveLimits('python', { timeoutMs: 3000 })).toMatchObject({ timeoutMs: 3000, testTimeoutMs: 3000 })
  })

  it('clamps testTimeoutMs to a per-language timeoutMs override', () => {
    LANGUAGE_LIMITS[LANG] = { timeoutMs: 1000 }
    expect(resolveLimits(LANG).testTimeoutMs).toBe(1000)
  })

  it('clamps testTimeoutMs to timeoutMs after timeoutMs itself was clamped to its maximum', () => {
    const limits = resolveLimits('python', { timeoutMs: 10 * LIMITS.timeoutMs.max, testTimeoutMs: 10 * LIMITS.testTimeoutMs.max })
    expect(limits.testTimeoutMs).toBe(Math.min(LIMITS.testTimeoutMs.max, LIMITS.timeoutMs.max))
  })

  it('clamps testTimeoutMs to timeoutMs after both were rounded', () => {
    expect(resolveLimits('python', { timeoutMs: 1500.4, testTimeoutMs: 1500.6 })).toMatchObject({ timeoutMs: 1500, testTimeoutMs: 1500 })
  })

  it('keeps a testTimeoutMs shorter than the run as requested', () => {
    expect(resolveLimits('python', { timeoutMs: 20_000, testTimeoutMs: 7000 })).toMatchObject({ timeoutMs: 20_000, testTimeoutMs: 7000 })
  })

  it.each([
    [{}],
    [{ timeoutMs: 100 }],
    [{ timeoutMs: 0, testTimeoutMs: 0 }],
    [{ timeoutMs: 250, testTimeoutMs: 60_000 }],
    [{ timeoutMs: 60_000, testTimeoutMs: 1e9 }],
  ])('never gives one test longer than the whole run (%j)', requested => {
    const limits = resolveLimits('python', requested)
    expect(limits.testTimeoutMs).toBeLessThanOrEqual(limits.timeoutMs)
    expect(limits.testTimeoutMs).toBeGreaterThanOrEqual(LIMITS.testTimeoutMs.min)
  })
})

describe('the request schema of limits', () => {
  it('accepts every key of the limits table, and nothing else', () => {
    const all = Object.fromEntries(LIMIT_KEYS.map(key => [key, LIMITS[key].default]))
    expect(Value.Errors(LimitsRequestSchema, all).length).toBe(0)
    expect(Object.keys(LimitsRequestSchema.properties).sort()).toEqual([...LIMIT_KEYS].sort())
    expect(Value.Check(LimitsRequestSchema, { ...all, walltime: 1 })).toBe(false)
  })
})

describe('per-language defaults from the image folders', () => {
  let dir = ''
  afterEach(() => { if (dir !== '') rmSync(dir, { recursive: true, force: true }); dir = '' })

  /** An images folder with one language whose image.json is `spec`. */
  function imagesWith (spec: unknown): string {
    dir = mkdtempSync(join(tmpdir(), 'grader-images-'))
    mkdirSync(join(dir, 'lang'))
    writeFileSync(join(dir, 'lang', 'image.json'), JSON.stringify(spec))
    return dir
  }

  it('reads the JavaScript memory default from images/javascript/image.json', () => {
    expect(LANGUAGE_LIMITS.javascript).toEqual({ memoryMb: 512 })
    expect(resolveLimits('javascript').memoryMb).toBe(512)
    expect(resolveLimits('python').memoryMb).toBe(LIMITS.memoryMb.default)
  })

  it('takes a language with no limits as one with no overrides', () => {
    expect(readLanguageLimits(imagesWith({ language: 'lang' }))).toEqual({ lang: {} })
  })

  it('keeps every limit an image.json names', () => {
    expect(readLanguageLimits(imagesWith({ language: 'lang', limits: { pids: 200, cpus: 0.5 } }))).toEqual({ lang: { pids: 200, cpus: 0.5 } })
  })

  it('refuses a key that is not a limit, naming the file', () => {
    const images = imagesWith({ language: 'lang', limits: { walltime: 3 } })
    expect(() => readLanguageLimits(images)).toThrow(/lang.image\.json: "limits\.walltime" is not a limit/)
  })

  it.each([[LIMITS.memoryMb.max + 1], [0], ['512']])('refuses a memoryMb of %j outside the limit\'s range', value => {
    const images = imagesWith({ language: 'lang', limits: { memoryMb: value } })
    expect(() => readLanguageLimits(images)).toThrow(/"limits\.memoryMb" must be a number from/)
  })

  it('skips a folder without an image.json', () => {
    dir = mkdtempSync(join(tmpdir(), 'grader-images-'))
    mkdirSync(join(dir, 'notes'))
    expect(readLanguageLimits(dir)).toEqual({})
  })
})
