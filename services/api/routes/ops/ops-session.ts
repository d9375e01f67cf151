import type { FastifyRequest } from 'fastify'

/**
 * The ops page's login session: the admin key in an `HttpOnly` cookie set by
 * `POST /ops/login`. The key never appears in a URL (nor in history, logs or
 * a `Referer`), the page's scripts cannot read it, and the cookie is sent to
 * `/ops` only (its `Path`), never to `/v1`. It is a session cookie (no
 * `Max-Age`): it ends with the browser session or `POST /ops/logout`. The key
 * is checked again on every request, so a revoked key ends the session too.
 */

/** Name of the session cookie. */
export const SESSION_COOKIE = 'grader_ops_session'

/** Path of the session cookie: only `/ops` and what is under it. */
export const SESSION_PATH = '/ops'

/**
 * The request header a session-authenticated request that changes something
 * must carry. A cross-site form cannot set a header, and a cross-site script
 * that could would need a CORS preflight this API never grants, so the header
 * is a second guard against cross-site requests besides `SameSite=Strict`.
 */
export const CSRF_HEADER = 'x-grader-ops'

/** Where the key of a request came from. */
export type CredentialSource = 'bearer' | 'session'

/** The key of a request as an `Authorization` value, and where it came from; undefined when it brought none. */
export interface OpsCredential {
  authorization: string
  source: CredentialSource
}

/** Longest cookie header read, in characters: a key is far shorter, and a hostile header is not parsed at length. */
const MAX_COOKIE_CHARS = 8192

/** The value of cookie `name` in a `Cookie` header (RFC 6265 §5.4), URI-decoded; undefined when absent or malformed. */
export function cookieValue (header: string | undefined, name: string): string | undefined {
  if (header === undefined || header.length > MAX_COOKIE_CHARS) return undefined
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=')
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue
    try {
      const value = decodeURIComponent(pair.slice(eq + 1).trim())
      return value === '' ? undefined : value
    } catch {
      return undefined
    }
  }
  return undefined
}

/**
 * The credential of an `/ops` request: an `Authorization` header wins (scripts
 * and proxies), else the login session's cookie.
 */
export function opsCredential (request: Pick<FastifyRequest, 'headers'>): OpsCredential | undefined {
  const { authorization, cookie } = request.headers
  if (authorization !== undefined) return { authorization, source: 'bearer' }
  const key = cookieValue(cookie, SESSION_COOKIE)
  return key === undefined ? undefined : { authorization: `Bearer ${key}`, source: 'session' }
}

/** The `Set-Cookie` value that starts a session with `key`; `Secure` when the page was reached over HTTPS. */
export function sessionCookie (key: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${encodeURIComponent(key)}; Path=${SESSION_PATH}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`
}

/** The `Set-Cookie` value that ends the session. */
export function endedSessionCookie (): string {
  return `${SESSION_COOKIE}=; Path=${SESSION_PATH}; HttpOnly; SameSite=Strict; Max-Age=0`
}
