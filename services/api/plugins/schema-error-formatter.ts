import type { FastifySchemaValidationError } from 'fastify'

/** Most schema problems listed in one answer; the rest are usually the same mistake repeated. */
const MAX_PROBLEMS = 5
/** Longest validation message, in characters: an instance path may hold a 4000-character file name. */
const MAX_MESSAGE_CHARS = 500

/**
 * Turns schema validation errors into one message a person understands,
 * e.g. `body/files/solution.py must be string`. Fastify wraps the returned
 * error as `FST_ERR_VALIDATION`; the error handler answers it with 400.
 *
 * TypeBox reports an unknown property twice: once as "schema is false" on the
 * property and once as "must not have additional properties" on its object.
 * Only the second is kept, phrased with the property names.
 */
export function formatSchemaErrors (errors: FastifySchemaValidationError[], dataVar: string): Error {
  const hasAdditional = errors.some(e => e.keyword === 'additionalProperties')
  const problems = new Set<string>()
  for (const e of errors) {
    if (e.keyword === 'boolean' && hasAdditional) continue
    const where = `${dataVar}${e.instancePath}`
    const extra = (e.params as { additionalProperties?: unknown }).additionalProperties
    if (e.keyword === 'additionalProperties' && Array.isArray(extra)) {
      // A map such as `files` allows any key but checks each value: a bad value
      // is reported at its own path, and is no unknown property.
      const unknown = extra.filter(name => !errors.some(o => o !== e && o.keyword !== 'boolean' && o.instancePath === `${e.instancePath}/${String(name)}`))
      if (unknown.length > 0) problems.add(`${where} has unknown properties: ${unknown.map(name => JSON.stringify(name)).join(', ')}`)
    } else {
      problems.add(`${where} ${e.message ?? 'is invalid'}`)
    }
  }
  const shown = [...problems].slice(0, MAX_PROBLEMS)
  const more = problems.size - shown.length
  let text = shown.join('; ') + (more > 0 ? `; and ${more} more` : '')
  if (text.length > MAX_MESSAGE_CHARS) text = `${text.slice(0, MAX_MESSAGE_CHARS)}…`
  return new Error(text)
}
