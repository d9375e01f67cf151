import { SUBMISSION_BOUNDS } from '../shared/contracts/submission-schema.js'
import { GraderError } from '../shared/errors/grader-error.js'
import { findJsonNode, formatJsonPath, jsonPath, type JsonNode } from './json-walk.js'
import { describeLoneSurrogate, hasLoneSurrogate, loneSurrogateIndex } from './well-formed-text.js'

/**
 * Checks on the `metadata` of a submission, before anything touches Redis.
 *
 * Metadata is opaque to the grader, but it is stored as JSON and echoed back
 * with every read of the submission, so it must be small, shallow enough to
 * serialise (`JSON.stringify` recurses: a few thousand levels overflow the
 * stack and used to surface as a 500), and well-formed text. Pure.
 */

const tooDeep = (node: JsonNode): boolean => node.depth > SUBMISSION_BOUNDS.maxMetadataDepth
const badKey = (node: JsonNode): boolean => typeof node.key === 'string' && hasLoneSurrogate(node.key)
const badString = (node: JsonNode): boolean => typeof node.value === 'string' && hasLoneSurrogate(node.value)

/**
 * Why `metadata` (any parsed JSON value: the body's depth guard asks before
 * the schema has checked it is an object) is refused, as the
 * `invalid_metadata` {@link GraderError} to answer, or `null` when it is
 * acceptable. Refused: nested deeper than {@link SUBMISSION_BOUNDS}.maxMetadataDepth,
 * a key or string holding a lone UTF-16 surrogate, or larger than
 * maxMetadataBytes as JSON.
 */
export function metadataProblem (metadata: unknown): GraderError | null {
  const max = SUBMISSION_BOUNDS.maxMetadataDepth
  const bad = findJsonNode(metadata, node => tooDeep(node) || badKey(node) || badString(node))
  if (bad !== null) {
    const where = formatJsonPath('metadata', jsonPath(bad))
    if (tooDeep(bad)) {
      return new GraderError('invalid_metadata', `metadata is nested more than ${max} levels deep (objects and arrays, at ${where}); keep it flatter`)
    }
    const [what, text] = badKey(bad) ? ['key', bad.key as string] : ['string', bad.value as string]
    return new GraderError('invalid_metadata', `metadata ${what} at ${where} holds ${describeLoneSurrogate(text, loneSurrogateIndex(text))}, which is not a character; send well-formed Unicode`)
  }
  // safe now: at most maxMetadataDepth levels to recurse through
  const bytes = Buffer.byteLength(JSON.stringify(metadata) ?? '', 'utf8')
  if (bytes > SUBMISSION_BOUNDS.maxMetadataBytes) {
    return new GraderError('invalid_metadata', `metadata is ${bytes} bytes as JSON; at most ${SUBMISSION_BOUNDS.maxMetadataBytes} are accepted (it is stored and echoed back with every read)`)
  }
  return null
}

/** Throws the error of {@link metadataProblem}, if any. */
export function checkMetadata (metadata: unknown): void {
  const problem = metadataProblem(metadata)
  if (problem !== null) throw problem
}
