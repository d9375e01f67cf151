import { LANES, type Lane } from '../contracts/vocabulary.js'

/**
 * The SLA of each lane: the longest a submission of it may take from being
 * accepted to being graded, in ms; `null` = the lane has no SLA (never
 * refused for capacity, never counted late).
 */
export type SlaByLane = Readonly<Record<Lane, number | null>>

/** The SLA of every lane but `regrade` when `GRADER_SLA_MS` names none, in ms. */
export const DEFAULT_SLA_MS = 30_000

/**
 * Lanes without an SLA unless `GRADER_SLA_MS` gives them one. A regrade is
 * background work that only takes capacity nobody else wants: however long
 * it waits is by design, so refusing it (or counting it late) would only
 * punish the queue for doing what it should.
 */
const NO_SLA_BY_DEFAULT: readonly Lane[] = ['regrade']

const MS = /^[0-9]{1,10}$/

/**
 * Reads `GRADER_SLA_MS`: a whole number of ms for every lane, then
 * comma-separated `lane=ms` or `lane=off` overrides, e.g.
 * `30000,interactive=10000,regrade=off`. Either part may be left out
 * (`interactive=10000` keeps 30000 for the others). Every bad entry is one
 * problem, so the config lists them all at once. `allMs` is the bare
 * number (or the default): the SLA of lanes no override names.
 */
export function parseSlaByLane (text: string): { value: SlaByLane, allMs: number, problems: string[] } {
  const problems: string[] = []
  let all = DEFAULT_SLA_MS
  const overrides = new Map<Lane, number | null>()
  const entries = text.split(',').map(e => e.trim())
  for (const [i, entry] of entries.entries()) {
    if (entry === '') {
      if (entries.length > 1 || text.trim() !== '') problems.push(`GRADER_SLA_MS has an empty entry (at position ${i + 1})`)
      continue
    }
    const eq = entry.indexOf('=')
    if (eq < 0) {
      if (i !== 0) problems.push(`GRADER_SLA_MS entry "${entry}" must be lane=ms or lane=off: only the first entry may be a bare number (every lane)`)
      else if (!MS.test(entry) || Number(entry) < 1) problems.push(`GRADER_SLA_MS "${entry}" must be a whole number of ms, at least 1`)
      else all = Number(entry)
      continue
    }
    const lane = entry.slice(0, eq).trim()
    const ms = entry.slice(eq + 1).trim()
    if (!(LANES as readonly string[]).includes(lane)) {
      problems.push(`GRADER_SLA_MS entry "${entry}" names no lane; lanes are ${LANES.join(', ')}`)
    } else if (overrides.has(lane as Lane)) {
      problems.push(`GRADER_SLA_MS names lane ${lane} twice`)
    } else if (ms === 'off') {
      overrides.set(lane as Lane, null)
    } else if (!MS.test(ms) || Number(ms) < 1) {
      problems.push(`GRADER_SLA_MS entry "${entry}": the SLA must be a whole number of ms (at least 1) or off`)
    } else {
      overrides.set(lane as Lane, Number(ms))
    }
  }
  const value = Object.fromEntries(LANES.map(lane => [
    lane,
    overrides.has(lane) ? overrides.get(lane)! : NO_SLA_BY_DEFAULT.includes(lane) ? null : all,
  ])) as Record<Lane, number | null>
  return { value: Object.freeze(value), allMs: all, problems }
}
