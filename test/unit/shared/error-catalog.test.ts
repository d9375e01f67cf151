import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ERROR_CATALOG, type ErrorCode } from '../../../services/shared/errors/grader-error.js'

/**
 * docs/errors.md and ERROR_CATALOG must not drift apart: every code is
 * documented, and no documented code is stale (after Fastify's
 * test/internals/errors.test.js).
 */
const DOC_PATH = new URL('../../../docs/errors.md', import.meta.url)
const doc = readFileSync(DOC_PATH, 'utf8')

interface DocumentedCode { code: string, status: number, retryable: boolean, meaning: string, advice: string }

/** The rows of every table in the document whose first cell is a code in backticks. */
function documentedCodes (markdown: string): DocumentedCode[] {
  const rows: DocumentedCode[] = []
  for (const line of markdown.split('\n')) {
    const match = /^\|\s*`([a-z_]+)`\s*\|(.*)\|\s*$/.exec(line)
    if (!match) continue
    const [status, retryable, meaning, advice] = match[2]!.split('|').map(cell => cell.trim())
    rows.push({
      code: match[1]!,
      status: Number(status),
      retryable: retryable === 'yes' ? true : retryable === 'no' ? false : (undefined as unknown as boolean),
      meaning: meaning ?? '',
      advice: advice ?? '',
    })
  }
  return rows
}

const rows = documentedCodes(doc)
const byCode = new Map(rows.map(r => [r.code, r]))
const catalogCodes = Object.keys(ERROR_CATALOG) as ErrorCode[]

describe('docs/errors.md', () => {
  it('has a table row for at least one code, so the parser reads it', () => {
    expect(rows.length).toBeGreaterThan(0)
  })

  it.each(catalogCodes)('documents %s', code => {
    expect(byCode.has(code)).toBe(true)
  })

  it('documents no code that is not in the catalog', () => {
    const stale = rows.map(r => r.code).filter(code => !(code in ERROR_CATALOG))
    expect(stale).toEqual([])
  })

  it('documents each code once', () => {
    const seen = rows.map(r => r.code)
    expect(seen.filter((code, i) => seen.indexOf(code) !== i)).toEqual([])
  })

  it.each(catalogCodes)('gives %s the HTTP status and retryability of the catalog', code => {
    const row = byCode.get(code)
    expect(row).toBeDefined()
    expect({ status: row!.status, retryable: row!.retryable }).toEqual({ status: ERROR_CATALOG[code].status, retryable: ERROR_CATALOG[code].retryable })
  })

  it.each(catalogCodes)('says what %s means and what the client should do', code => {
    const row = byCode.get(code)
    expect(row?.meaning.length).toBeGreaterThan(10)
    expect(row?.advice.length).toBeGreaterThan(5)
  })

  it('describes the error body the API renders', () => {
    expect(doc).toContain('{"error": {"code"')
  })
})
