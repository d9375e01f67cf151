import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../../services/shared/config/config.js'
import { parseSlaByLane } from '../../../services/shared/config/sla-by-lane.js'

describe('GRADER_SLA_MS per lane', () => {
  it('defaults to 30 s for every lane but regrade, which has none', () => {
    const config = loadConfig({})
    expect(config.slaByLane).toEqual({ exam: 30_000, interactive: 30_000, practice: 30_000, regrade: null })
    expect(config.slaMs).toBe(30_000)
  })

  it('takes one number for every lane, as before', () => {
    expect(loadConfig({ GRADER_SLA_MS: '45000' }).slaByLane).toEqual({ exam: 45_000, interactive: 45_000, practice: 45_000, regrade: null })
  })

  it('takes lane overrides after it, off included', () => {
    const config = loadConfig({ GRADER_SLA_MS: '30000, interactive=10000,regrade=60000,practice=off' })
    expect(config.slaByLane).toEqual({ exam: 30_000, interactive: 10_000, practice: null, regrade: 60_000 })
    expect(config.slaMs).toBe(30_000)
  })

  it('takes overrides alone, the others keeping the default', () => {
    expect(parseSlaByLane('exam=20000').value).toEqual({ exam: 20_000, interactive: 30_000, practice: 30_000, regrade: null })
  })

  it('lists every bad entry in one ConfigError', () => {
    let problems: string[] = []
    try {
      loadConfig({ GRADER_SLA_MS: '0,express=5000,exam=soon,exam=1000,interactive=-1,,2000,practice=' })
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError)
      problems = (err as ConfigError).problems
    }
    expect(problems).toEqual([
      'GRADER_SLA_MS "0" must be a whole number of ms, at least 1',
      'GRADER_SLA_MS entry "express=5000" names no lane; lanes are exam, interactive, practice, regrade',
      'GRADER_SLA_MS entry "exam=soon": the SLA must be a whole number of ms (at least 1) or off',
      'GRADER_SLA_MS entry "interactive=-1": the SLA must be a whole number of ms (at least 1) or off',
      'GRADER_SLA_MS has an empty entry (at position 6)',
      'GRADER_SLA_MS entry "2000" must be lane=ms or lane=off: only the first entry may be a bare number (every lane)',
      'GRADER_SLA_MS entry "practice=": the SLA must be a whole number of ms (at least 1) or off',
    ])
  })

  it('names a lane given twice', () => {
    expect(parseSlaByLane('exam=1000,exam=2000').problems).toEqual(['GRADER_SLA_MS names lane exam twice'])
  })
})
