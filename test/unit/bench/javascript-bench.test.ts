import { describe, expect, it } from 'vitest'
import { jestBaselineArgs } from '../../../bench/javascript/jest-baseline.js'
import { markdown, type JavaScriptBench } from '../../../bench/javascript/run-javascript.js'
import { resolveLimits } from '../../../services/shared/config/limits.js'

const latency = (p50: number) => ({ n: 4, min: p50, p50, p95: p50 * 1.5, p99: p50 * 1.6, max: p50 * 2, mean: p50 })

describe('the JavaScript bench', () => {
  it('runs the baseline with the grader\'s JavaScript limits, no network, the student\'s uid and the image\'s own Jest', () => {
    const args = jestBaselineArgs('grader-javascript:1', '/work/dir')
    const limits = resolveLimits('javascript')
    const after = (flag: string) => args[args.indexOf(flag) + 1]
    expect(after('--network')).toBe('none')
    expect(after('--user')).toBe('10002:10002')
    expect(after('--memory')).toBe(`${limits.memoryMb}m`)
    expect(after('--pids-limit')).toBe(String(limits.pids))
    expect(args).toContain('--read-only')
    expect(args.slice(args.indexOf('grader-javascript:1'))).toEqual(['grader-javascript:1', '/opt/grader/node_modules/jest/bin/jest.js', '--ci', '--no-watchman', '--runInBand'])
  })

  it('tabulates each exercise\'s docker run, cold and warm p50 with the ratios and the stages, and lists failures', () => {
    const series = (p50: number, stagesP50: Record<string, number> = {}, errors = 0) => ({ latency: latency(p50), stagesP50, errors, errorSamples: errors > 0 ? ['error/internal: boom'] : [] })
    const record: JavaScriptBench = {
      version: 1, startedAt: '2026-12-02T00:00:00.000Z', durationS: 60, cores: 2, image: 'grader-javascript:1', runs: 4, gapMs: 250,
      exercises: [{
        exercise: 'two-fer', tests: 3,
        baseline: series(2000), cold: series(2400, { queueMs: 3, runMs: 1900 }), warm: series(600, { queueMs: 2, runMs: 400 }, 1),
        coldRatio: 1.2, warmRatio: 0.3,
      }],
    }
    const text = markdown(record)
    expect(text).toContain('| two-fer (3 tests) | docker run of Jest | 2000 ms | 3000 ms | 1 | |')
    expect(text).toContain('| | grader, cold | 2400 ms | 3600 ms | 1.20× | queue 3, run 1900 |')
    expect(text).toContain('| | grader, warm | 600 ms | 900 ms | 0.30× | queue 2, run 400 |')
    expect(text).toContain('- two-fer warm: 1 failed, e.g. error/internal: boom')
  })
})
