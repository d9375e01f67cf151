import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { GraderError } from '../../shared/errors/grader-error.js'

/**
 * Bearer-key authentication. Every configured key may submit and read;
 * admin keys may also manage Docker hosts. With no key configured every
 * protected request is refused (fail closed).
 */

const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest()

/**
 * The key of a `Bearer` header, or undefined. Parsed by hand, not with a
 * regular expression, so a hostile 16 KiB header cannot make it backtrack.
 */
function bearerKey (authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined
  const space = authorization.indexOf(' ')
  // RFC 7235: the scheme is case-insensitive
  if (space < 0 || authorization.slice(0, space).toLowerCase() !== 'bearer') return undefined
  const key = authorization.slice(space + 1).trim()
  return key === '' ? undefined : key
}

/**
 * Builds a check of an `Authorization` header against the configured keys.
 *
 * Keys are compared as SHA-256 digests with `timingSafeEqual`: the digests
 * always have the same length, so neither the content nor the length of a
 * key leaks through response times, and every key is compared every time.
 */
export function bearerKeyCheck (apiKeys: readonly string[]): (authorization: string | undefined) => boolean {
  const digests = apiKeys.map(sha256)
  return authorization => {
    const presented = bearerKey(authorization)
    if (presented === undefined) return false
    const digest = sha256(presented)
    let matched = false
    for (const known of digests) matched = timingSafeEqual(digest, known) || matched
    return matched
  }
}

/**
 * An `onRequest` hook refusing requests without a valid key with 401
 * `unauthorized`. Register it in the scope of the routes it protects.
 */
export function requireApiKey (apiKeys: readonly string[]): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const check = bearerKeyCheck(apiKeys)
  return async (request, reply) => {
    if (check(request.headers.authorization)) return
    // tells a client which scheme to use (RFC 6750 §3)
    void reply.header('www-authenticate', 'Bearer')
    throw new GraderError('unauthorized', 'missing or wrong API key: send "Authorization: Bearer <key>"')
  }
}

/**
 * The keys `/v1` accepts: API keys and admin keys (an admin key is a valid
 * API key too), each once.
 */
export function acceptedKeys (apiKeys: readonly string[], adminKeys: readonly string[]): string[] {
  return [...new Set([...apiKeys, ...adminKeys])]
}

/**
 * An `onRequest` hook refusing a key that is not an admin key with 403
 * `forbidden`. Register it inside a scope already guarded by
 * {@link requireApiKey}: parent hooks run first, so a missing or wrong key
 * is still answered 401, never 403.
 *
 * @param adminKeys the admin keys; when empty, every accepted key is an admin
 *   key and the hook lets every request through
 */
export function requireAdminKey (adminKeys: readonly string[]): (request: FastifyRequest) => Promise<void> {
  const check = bearerKeyCheck(adminKeys)
  const everyKeyIsAdmin = adminKeys.length === 0
  return async request => {
    if (everyKeyIsAdmin || check(request.headers.authorization)) return
    throw new GraderError('forbidden', 'this route needs an admin key (GRADER_ADMIN_KEYS)')
  }
}
