/**
 * The one table of run limits: what each key means, its default, and the
 * server maximum a request is clamped to. Precedence when resolving a run's
 * limits: request value (clamped) → per-language override → global default.
 */

import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface LimitSpec {
  readonly description: string
  readonly unit: string
  readonly default: number
  readonly min: number
  /** Server maximum: a request asking for more gets this. */
  readonly max: number
}

export const LIMITS = {
  timeoutMs: { description: 'Wall-clock time for the whole test run; the container is killed at the deadline', unit: 'ms', default: 10_000, min: 100, max: 60_000 },
  testTimeoutMs: { description: 'Wall-clock time one test may take; past it the test is an error, the student process is restarted and the run goes on (never more than timeoutMs)', unit: 'ms', default: 5_000, min: 100, max: 60_000 },
  memoryMb: { description: 'Memory for everything in the container, swap and tmpfs included (the harness itself needs about 60 MiB)', unit: 'MiB', default: 256, min: 64, max: 2048 },
  cpus: { description: 'CPU quota, in cores (fractions allowed)', unit: 'cores', default: 1, min: 0.1, max: 2 },
  pids: { description: 'Most processes and threads alive at once in the container', unit: 'count', default: 64, min: 8, max: 512 },
  outputKb: { description: 'Most output the student code may print in a run; the run stops past it', unit: 'KiB', default: 64, min: 1, max: 4096 },
} as const satisfies Record<string, LimitSpec>

export type LimitKey = keyof typeof LIMITS
export type Limits = { [K in LimitKey]: number }
export const LIMIT_KEYS = Object.keys(LIMITS) as LimitKey[]

/** Each language's overrides of the global defaults, by language name. */
export type LanguageLimits = Partial<Record<string, Partial<Limits>>>

/** Where the runtime images' folders are: each language's own defaults live in its image.json. */
const IMAGES_DIR = fileURLToPath(new URL('../../../images/', import.meta.url))

/**
 * Per-language defaults that differ from the global ones (e.g. a JVM needs more memory): the
 * `limits` of each `images/<language>/image.json`, so a language brings its own and adding one
 * touches no code. Read once at start; a key that is not a limit, or a value that is not a
 * number inside the limit's range, stops the start with the file named.
 */
export const LANGUAGE_LIMITS: LanguageLimits = readLanguageLimits(IMAGES_DIR)

export function readLanguageLimits (imagesDir: string): LanguageLimits {
  const out: LanguageLimits = {}
  if (!existsSync(imagesDir)) return out
  for (const name of readdirSync(imagesDir).sort()) {
    const file = join(imagesDir, name, 'image.json')
    if (!existsSync(file)) continue
    const spec = JSON.parse(readFileSync(file, 'utf8')) as { language?: unknown, limits?: Record<string, unknown> }
    if (typeof spec.language !== 'string') throw new Error(`${file}: "language" must be a string`)
    const limits: Partial<Limits> = {}
    for (const [key, value] of Object.entries(spec.limits ?? {})) {
      if (!(LIMIT_KEYS as string[]).includes(key)) throw new Error(`${file}: "limits.${key}" is not a limit (${LIMIT_KEYS.join(', ')})`)
      const range: LimitSpec = LIMITS[key as LimitKey]
      if (typeof value !== 'number' || !(value >= range.min && value <= range.max)) {
        throw new Error(`${file}: "limits.${key}" must be a number from ${range.min} to ${range.max}`)
      }
      limits[key as LimitKey] = value
    }
    out[spec.language] = limits
  }
  return out
}

/**
 * Resolves the limits of one run. Values out of range are clamped, never
 * refused: a client asking for 10 minutes gets the server maximum.
 */
export function resolveLimits (language: string, requested: Partial<Limits> = {}): Limits {
  const out = {} as Limits
  for (const key of LIMIT_KEYS) {
    const spec: LimitSpec = LIMITS[key]
    const wanted = requested[key] ?? LANGUAGE_LIMITS[language]?.[key] ?? spec.default
    const clamped = Math.min(spec.max, Math.max(spec.min, wanted))
    // Docker takes whole numbers for everything but the CPU quota.
    out[key] = key === 'cpus' ? clamped : Math.round(clamped)
  }
  // One test can never have longer than the whole run.
  out.testTimeoutMs = Math.min(out.testTimeoutMs, out.timeoutMs)
  return out
}
