import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The project's stricter profile (see deploy/seccomp/README.md). */
export const STRICT_PROFILE_PATH = fileURLToPath(new URL('../../deploy/seccomp/grader-strict.json', import.meta.url))

/**
 * Resolves `GRADER_SECCOMP` to the profile text sent with each container
 * create: `default` → undefined (the daemon's default profile, which the grader
 * never turns off), `strict` → the project's profile, anything else → a file.
 * Read once at worker start: a broken profile stops the worker, not a run.
 */
export function loadSeccompProfile (setting: string): string | undefined {
  if (setting === 'default') return undefined
  const path = setting === 'strict' ? STRICT_PROFILE_PATH : setting
  const text = readFileSync(path, 'utf8')
  const parsed = JSON.parse(text) as { defaultAction?: unknown }
  if (typeof parsed.defaultAction !== 'string') throw new Error(`${path} is not a seccomp profile (no defaultAction)`)
  // Docker takes the profile inline; compact it to keep the create call small.
  return JSON.stringify(parsed)
}
