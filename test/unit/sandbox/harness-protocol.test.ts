import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { HARNESS_PROTOCOL, JobSchema, protocolDocument } from '../../../services/sandbox/harness-protocol.js'
import { protocolFiles } from '../../../services/sandbox/protocol-files.js'
import { Compile } from 'typebox/compile'

const ROOT = new URL('../../../', import.meta.url).pathname

describe('the harness protocol', () => {
  it('is exported, unchanged, into every image with a harness (run `npm run protocol:export` after a change)', () => {
    const files = protocolFiles(ROOT)
    expect(files.length).toBeGreaterThan(0)
    const expected = JSON.parse(JSON.stringify(protocolDocument()))
    for (const file of files) expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(expected)
  })

  it('is the version the python image is labelled with at build time', () => {
    const doc = JSON.parse(readFileSync(`${ROOT}images/python/harness/protocol.json`, 'utf8')) as { version: number }
    expect(doc.version).toBe(HARNESS_PROTOCOL)
  })

  it('refuses a job of another version or with a field it does not define', () => {
    const check = Compile(JobSchema)
    const job = { protocol: HARNESS_PROTOCOL, files: {}, tests: {}, outputBytes: 1, testTimeoutMs: 1, memoryMb: 1, strict: false, isolation: 'split' }
    expect(check.Check(job)).toBe(true)
    expect(check.Check({ ...job, protocol: HARNESS_PROTOCOL + 1 })).toBe(false)
    expect(check.Check({ ...job, extra: 1 })).toBe(false)
    expect(check.Check({ ...job, isolation: 'none' })).toBe(false)
  })
})
