import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../../services/shared/config/config.js'

describe('GRADER_SLA_MS', () => {
  it('defaults to 30 seconds', () => {
    expect(loadConfig({}).slaMs).toBe(30_000)
  })

  it('is read as a number of ms', () => {
    expect(loadConfig({ GRADER_SLA_MS: '45000' }).slaMs).toBe(45_000)
  })

  it.each(['0', '-5', 'soon'])('refuses %s', value => {
    expect(() => loadConfig({ GRADER_SLA_MS: value })).toThrow(ConfigError)
  })
})
