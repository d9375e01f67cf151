import { describe, expect, it } from 'vitest'
import { checkMetadata, metadataProblem } from '../../../services/api/submission-metadata.js'
import { SUBMISSION_BOUNDS } from '../../../services/shared/contracts/submission-schema.js'

const { maxMetadataDepth, maxMetadataBytes } = SUBMISSION_BOUNDS

/** An object `levels` deep, `metadata` itself included: `{"a":{"a":…1…}}`. */
function nested (levels: number): Record<string, unknown> {
  let value: unknown = 1
  for (let i = 0; i < levels; i++) value = { a: value }
  return value as Record<string, unknown>
}

/** `{"note":"xxx…"}` exactly `bytes` bytes as JSON. */
const ofBytes = (bytes: number): Record<string, unknown> => ({ note: 'x'.repeat(bytes - '{"note":""}'.length) })

describe('metadataProblem', () => {
  it('accepts ordinary metadata', () => {
    expect(metadataProblem({ student: 'ada', attempt: 3, tags: ['week-1', 'loops'], course: { id: 'cs101', late: false, grade: null } })).toBeNull()
  })

  it('accepts metadata exactly at the depth bound and refuses one level more', () => {
    expect(metadataProblem(nested(maxMetadataDepth))).toBeNull()
    expect(metadataProblem(nested(maxMetadataDepth + 1))).toMatchObject({ code: 'invalid_metadata', status: 400 })
  })

  it('counts arrays as levels too', () => {
    let value: unknown = []
    for (let i = 1; i < maxMetadataDepth; i++) value = [value]
    expect(metadataProblem({ a: value })?.code).toBe('invalid_metadata')
  })

  it('says how deep metadata may be and where it went deeper', () => {
    expect(metadataProblem({ x: 1, deep: nested(maxMetadataDepth) })?.message)
      .toMatch(/^metadata is nested more than 16 levels deep \(objects and arrays, at metadata\["deep"\]\["a"\]/)
  })

  it('refuses metadata thousands of levels deep with invalid_metadata, not a stack overflow', () => {
    expect(metadataProblem(nested(100_000))?.code).toBe('invalid_metadata')
  })

  it('accepts metadata exactly at the size bound and refuses one byte more', () => {
    expect(metadataProblem(ofBytes(maxMetadataBytes))).toBeNull()
    const problem = metadataProblem(ofBytes(maxMetadataBytes + 1))
    expect(problem?.code).toBe('invalid_metadata')
    expect(problem?.message).toContain(`at most ${maxMetadataBytes}`)
  })

  it('counts size in UTF-8 bytes of the JSON, not characters', () => {
    expect(metadataProblem({ note: 'é'.repeat(maxMetadataBytes / 2) })?.code).toBe('invalid_metadata')
  })

  it('refuses a string with a lone surrogate, naming where it is, escaped', () => {
    const problem = metadataProblem({ course: { tags: ['ok', 'bad\udc00'] } })
    expect(problem?.code).toBe('invalid_metadata')
    expect(problem?.message).toBe('metadata string at metadata["course"]["tags"][1] holds a lone UTF-16 surrogate (\\udc00), which is not a character; send well-formed Unicode')
  })

  it('refuses a key with a lone surrogate', () => {
    const problem = metadataProblem({ nested: { 'k\ud800': 1 } })
    expect(problem?.code).toBe('invalid_metadata')
    expect(problem?.message).toMatch(/^metadata key at metadata\["nested"\]\["k\\ud800"\] holds a lone UTF-16 surrogate/)
  })

  it('accepts well-formed astral characters in keys and strings', () => {
    expect(metadataProblem({ '\ud83d\ude00': 'clef \u{1d11e}' })).toBeNull()
  })
})

describe('checkMetadata', () => {
  it('throws the problem as a GraderError', () => {
    expect(() => checkMetadata(nested(maxMetadataDepth + 1))).toThrow(expect.objectContaining({ name: 'GraderError', code: 'invalid_metadata' }))
    expect(() => checkMetadata({ a: 1 })).not.toThrow()
  })
})
