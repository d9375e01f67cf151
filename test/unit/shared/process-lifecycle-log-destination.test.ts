import { Writable } from 'node:stream'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { LogDestination } from '../../../services/shared/observability/log-destination.js'

/** A reader that takes nothing: every write waits in the stream's buffer. */
function stalledReader (): Writable {
  return new Writable({ highWaterMark: 1024, write (_chunk, _enc, _done) { /* never done */ } })
}

/** A reader that went away: the first write fails as a closed pipe does. */
function goneReader (): { out: Writable, attempts: () => number } {
  let attempts = 0
  const out = new Writable({
    write (_chunk, _enc, done) {
      attempts++
      done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))
    },
  })
  return { out, attempts: () => attempts }
}

describe('LogDestination', () => {
  it('drops lines past its buffer behind a reader that stopped reading, instead of holding them all', () => {
    const out = stalledReader()
    const destination = new LogDestination({ out, maxBufferBytes: 10_000 })
    const log = pino({ level: 'info' }, destination)
    for (let i = 0; i < 1_000; i++) log.info({ i }, 'a line of about a hundred bytes')
    expect(out.writableLength).toBeLessThanOrEqual(10_000)
    expect(destination.state.dropped).toBeGreaterThan(800)
    expect(destination.state.written + destination.state.dropped).toBe(1_000)
  })

  it('goes quiet for good after its reader went away, without throwing', async () => {
    const { out, attempts } = goneReader()
    const destination = new LogDestination({ out })
    const log = pino({ level: 'info' }, destination)
    log.info('first')
    // the error arrives on a later tick, as EPIPE does
    await new Promise(resolve => setImmediate(resolve))
    expect(destination.state.brokenBy).toBe('EPIPE')
    for (let i = 0; i < 100; i++) expect(() => log.info({ i }, 'into the void')).not.toThrow()
    expect(attempts()).toBe(1)
  })

  it('writes JSON lines as they come while the reader keeps up', () => {
    const lines: string[] = []
    const out = new Writable({ write (chunk, _enc, done) { lines.push(String(chunk)); done() } })
    const log = pino({ level: 'info' }, new LogDestination({ out, pretty: false }))
    log.info({ n: 1 }, 'hello')
    expect(JSON.parse(lines[0]!)).toMatchObject({ n: 1, msg: 'hello' })
  })
})
