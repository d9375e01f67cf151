import { Compile } from 'typebox/compile'
import { describe, expect, it } from 'vitest'
import { buildHarnessJob } from '../../../services/sandbox/harness-job.js'
import { HARNESS_PROTOCOL, JobSchema } from '../../../services/sandbox/harness-protocol.js'
import { resolveLimits } from '../../../services/shared/config/limits.js'

const LIMITS = resolveLimits('python', { timeoutMs: 5000, testTimeoutMs: 2000, memoryMb: 128, outputKb: 32 })
const FILES = { 'solution.py': 'def add(a, b):\n    return a + b\n' }
const TESTS = { 'test_solution.py': 'from solution import add\n\ndef test_add():\n    assert add(1, 2) == 3\n' }

describe('buildHarnessJob', () => {
  it('builds a job the harness protocol accepts, with the limits in the units the agent reads', () => {
    const job = buildHarnessJob({ files: FILES, tests: TESTS, limits: LIMITS })
    expect(Compile(JobSchema).Check(job)).toBe(true)
    expect(job).toEqual({
      protocol: HARNESS_PROTOCOL, files: FILES, tests: TESTS, outputBytes: 32 * 1024, testTimeoutMs: 2000, memoryMb: 128, strict: false, isolation: 'split',
    })
  })

  it('never gives one test more time than the whole run', () => {
    const limits = { ...LIMITS, timeoutMs: 1500, testTimeoutMs: 4000 }
    expect(buildHarnessJob({ files: FILES, tests: TESTS, limits }).testTimeoutMs).toBe(1500)
  })

  it('passes strict comparisons, in-process isolation and collect-only on, and leaves collect-only out otherwise', () => {
    const job = buildHarnessJob({ files: FILES, tests: TESTS, limits: LIMITS, strictComparisons: true, isolation: 'in-process', collectOnly: true })
    expect(job).toMatchObject({ strict: true, isolation: 'in-process', collectOnly: true })
    expect(Compile(JobSchema).Check(job)).toBe(true)
    expect(buildHarnessJob({ files: FILES, tests: TESTS, limits: LIMITS, collectOnly: false })).not.toHaveProperty('collectOnly')
  })

  it('asks for the locally skipped tests only when told to', () => {
    const job = buildHarnessJob({ files: FILES, tests: TESTS, limits: LIMITS, runSkipped: true })
    expect(job.runSkipped).toBe(true)
    expect(Compile(JobSchema).Check(job)).toBe(true)
    expect(buildHarnessJob({ files: FILES, tests: TESTS, limits: LIMITS, runSkipped: false })).not.toHaveProperty('runSkipped')
  })
})
