import { createHash } from 'node:crypto'
import { GraderError } from '../shared/errors/grader-error.js'

/** Longest `Idempotency-Key`, in characters (Stripe's bound; a UUID is 36). */
export const IDEMPOTENCY_KEY_MAX_CHARS = 255

/**
 * Visible ASCII but quotes, backslash, comma and semicolon: enough for
 * UUIDs, ULIDs and base64, and nothing that could be read differently by a
 * proxy or end up as a separator in a Redis key or a log line.
 */
const KEY_CHARS = /^[A-Za-z0-9!#$%&'*+./:<=>?@^_`{|}~()[\]-]+$/

/**
 * The `Idempotency-Key` header, or undefined when absent. The IETF draft
 * (draft-ietf-httpapi-idempotency-key-header) makes it a structured-field
 * string, `"…"`; most clients send the bare value, so both are accepted.
 * A key that is empty, too long, repeated or made of other characters is a
 * 400 `invalid_request`.
 */
export function readIdempotencyKey (header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined
  if (Array.isArray(header)) throw new GraderError('invalid_request', 'send one Idempotency-Key header, not several')
  const trimmed = header.trim()
  const value = trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1) : trimmed
  if (value.length === 0 || value.length > IDEMPOTENCY_KEY_MAX_CHARS || !KEY_CHARS.test(value)) {
    throw new GraderError('invalid_request', `Idempotency-Key must be 1 to ${IDEMPOTENCY_KEY_MAX_CHARS} visible ASCII characters without quotes, backslashes, commas or semicolons (a UUID is a good key)`)
  }
  return value
}

/** JSON with every object's keys sorted: the same body in another key order is the same request. */
function canonicalJson (value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined)
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

/** SHA-256 (hex) of a body's canonical JSON: what "the same body" means for a replay. */
export function bodyHash (body: unknown): string {
  return createHash('sha256').update(canonicalJson(body), 'utf8').digest('hex')
}

/**
 * The scope of a request's idempotency keys: the first 16 hex digits of the
 * SHA-256 of its API key (never the key itself, which must not sit in a
 * Redis key name), so two clients choosing the same key never collide.
 */
export function idempotencyScope (authorization: string | undefined): string {
  const value = authorization ?? ''
  const space = value.indexOf(' ')
  const key = space < 0 ? value : value.slice(space + 1).trim()
  return createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 16)
}
