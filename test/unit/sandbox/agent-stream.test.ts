import { PassThrough, type Duplex, type Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { followAgent, type RunProgress } from '../../../services/sandbox/agent-stream.js'
import { HARNESS_PROTOCOL } from '../../../services/sandbox/harness-protocol.js'
import type { RunObservation } from '../../../services/sandbox/verdict.js'
import { resolveLimits } from '../../../services/shared/config/limits.js'
import { isGraderError } from '../../../services/shared/errors/grader-error.js'

const TESTS = ['test_a.py::test_one', 'test_a.py::test_two']

function observation (): RunObservation {
  return {
    report: null, expected: [], finished: [], current: null, studentStarted: false, unreadable: null,
    timedOut: false, oomKilled: false, runnerExitCode: null, limits: resolveLimits('python'),
  }
}

/** An attach stream whose stdout and stderr the test writes apart (the real demux splits Docker's frames). */
function attached () {
  const stream = new PassThrough()
  const stderr = new PassThrough()
  const demux = (s: Duplex, out: Writable, err: Writable) => { s.pipe(out); stderr.pipe(err) }
  const say = (ev: unknown) => { stream.write(JSON.stringify(ev) + '\n') }
  return { stream, stderr, demux, say }
}

describe('followAgent', () => {
  it('records collection, results and the report, and tells the progress callback set after following began', async () => {
    const { stream, demux, say } = attached()
    const obs = observation()
    let onProgress: ((p: RunProgress) => void) | undefined
    const events = followAgent(stream, demux, obs, () => onProgress)
    say({ event: 'ready', protocol: HARNESS_PROTOCOL })
    expect(await events.ready).toBe('ready')
    const seen: RunProgress[] = []
    onProgress = p => { seen.push(p) }
    say({ event: 'collected', tests: TESTS })
    say({ event: 'test', id: TESTS[0] })
    say({ event: 'result', test: { name: TESTS[0], status: 'pass' } })
    say({ event: 'test', id: TESTS[1] })
    say({ event: 'report', protocol: HARNESS_PROTOCOL, complete: true, collected: TESTS, tests: [] })
    await events.done
    expect(seen).toEqual([{ test: TESTS[0], done: 0, total: 2 }, { test: TESTS[1], done: 1, total: 2 }])
    expect(obs).toMatchObject({ expected: TESTS, finished: [{ name: TESTS[0], status: 'pass' }], current: TESTS[1], unreadable: null })
    expect(obs.report?.complete).toBe(true)
  })

  it('a progress callback that throws changes nothing in the run', async () => {
    const { stream, demux, say } = attached()
    const obs = observation()
    const events = followAgent(stream, demux, obs, () => () => { throw new Error('subscriber gone') })
    say({ event: 'collected', tests: TESTS })
    say({ event: 'test', id: TESTS[0] })
    say({ event: 'report', protocol: HARNESS_PROTOCOL, complete: true, collected: TESTS, tests: [] })
    await events.done
    expect(obs.unreadable).toBeNull()
    expect(obs.current).toBe(TESTS[0])
  })

  it('an agent that ends without a report is a harness fault naming its last traceback line', async () => {
    const { stream, stderr, demux } = attached()
    const obs = observation()
    const events = followAgent(stream, demux, obs, () => undefined)
    stderr.write('Traceback (most recent call last):\nKeyError: \'files\'\n')
    await new Promise(resolve => setImmediate(resolve))
    stream.end()
    const err = await events.ready.then(() => null, (e: unknown) => e)
    expect(isGraderError(err) && err.code).toBe('harness_protocol')
    expect(obs.unreadable).toBe('the harness ended without a report: KeyError: \'files\'')
  })

  it('a line out of protocol ends the stream and is recorded as unreadable', async () => {
    const { stream, demux } = attached()
    const obs = observation()
    const events = followAgent(stream, demux, obs, () => undefined)
    stream.write('{"event":"ready","protocol":999}\n')
    await events.done
    await expect(events.ready).rejects.toMatchObject({ code: 'harness_protocol' })
    expect(obs.unreadable).toMatch(/^the harness spoke out of protocol/)
    expect(stream.destroyed).toBe(true)
  })
})
