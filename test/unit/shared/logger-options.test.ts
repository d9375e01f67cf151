import { Writable } from 'node:stream'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { processLoggerOptions, REDACTED_PATHS, withRedaction } from '../../../services/shared/observability/logger-options.js'

describe('logger options', () => {
  it('redacts the Authorization header of a logged request', () => {
    const lines: string[] = []
    const stream = new Writable({ write (chunk, _enc, done) { lines.push(String(chunk)); done() } })
    const log = pino(processLoggerOptions('info', false), stream)
    log.info({ req: { method: 'GET', headers: { authorization: 'Bearer very-secret' } } }, 'incoming request')
    expect(lines.join('')).not.toContain('very-secret')
    expect(lines.join('')).toContain('[redacted]')
  })

  it('adds the API paths to redaction the caller already asked for', () => {
    expect(withRedaction({ redact: ['body.password'] }).redact).toEqual(['body.password', ...REDACTED_PATHS])
    expect(withRedaction({ redact: { paths: ['x'], censor: '***' } }).redact).toEqual({ paths: ['x', ...REDACTED_PATHS], censor: '***' })
  })

  it('asks for pretty lines only when told a person is watching', () => {
    expect(processLoggerOptions('info', false).transport).toBeUndefined()
    expect(processLoggerOptions('info', true).transport).toMatchObject({ target: 'pino-pretty' })
  })
})
