import { describe, expect, it } from 'vitest'
import { splitScenario } from '../../../bench/bench-options.js'
import { parseExamOptions } from '../../../bench/exam/exam-options.js'

describe('--scenario', () => {
  it('is the default bench without the flag, and leaves the other arguments to that bench', () => {
    expect(splitScenario(['--quick'])).toEqual({ scenario: 'default', rest: ['--quick'] })
  })

  it('takes --scenario exam in either spelling out of the arguments', () => {
    expect(splitScenario(['--scenario', 'exam', '--scale', '0.1'])).toEqual({ scenario: 'exam', rest: ['--scale', '0.1'] })
    expect(splitScenario(['--scale', '0.1', '--scenario=exam'])).toEqual({ scenario: 'exam', rest: ['--scale', '0.1'] })
  })

  it('refuses a scenario it does not know', () => {
    expect(() => splitScenario(['--scenario', 'finals'])).toThrow(/one of default, exam/)
    expect(() => splitScenario(['--scenario'])).toThrow(/one of default, exam/)
  })
})

describe('exam options', () => {
  it('defaults to the issue\'s full counts, a 1800 s bound and seed 1', () => {
    expect(parseExamOptions([])).toMatchObject({ scale: 1, timeLimitS: 1800, seed: 1, noDocs: false })
  })

  it('reads the scale, the bound and a target grader', () => {
    expect(parseExamOptions(['--scale', '0.05', '--time-limit-s', '300', '--url', 'http://127.0.0.1:8080/', '--key', 'k']))
      .toMatchObject({ scale: 0.05, timeLimitS: 300, url: 'http://127.0.0.1:8080', key: 'k' })
  })

  it('lists every problem at once', () => {
    let message = ''
    try { parseExamOptions(['--scale', '0', '--time-limit-s', '5', '--url', 'http://x']) } catch (err) { message = (err as Error).message }
    expect(message).toContain('--scale')
    expect(message).toContain('--time-limit-s')
    expect(message).toContain('--url and --key go together')
  })
})
