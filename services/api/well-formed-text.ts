/**
 * Checks that a string is well-formed Unicode, i.e. can be written as UTF-8.
 *
 * JSON text may spell any UTF-16 code unit (`"\ud800"`), so a parsed body can
 * hold a lone surrogate: half of a pair with no other half. JavaScript keeps
 * it, but no UTF-8 file, file name or log line can: Node writes U+FFFD in its
 * place, Python refuses to encode it. The API refuses such strings where they
 * arrive, rather than let them fail (or silently change) later.
 * Everything here is pure.
 */

// With the `u` flag a well-formed pair reads as one astral code point, so
// only a surrogate without its partner is in the Cs (surrogate) category.
const LONE_SURROGATE = /\p{Cs}/u

/** Index (in UTF-16 code units) of the first lone surrogate in `text`, or -1. */
export function loneSurrogateIndex (text: string): number {
  return text.search(LONE_SURROGATE)
}

/** Whether `text` holds a lone surrogate, so cannot be written as UTF-8. */
export function hasLoneSurrogate (text: string): boolean {
  return LONE_SURROGATE.test(text)
}

/**
 * Names the lone surrogate at `index` for an error message, escaped so the
 * message itself stays well-formed: `a lone UTF-16 surrogate (\ud800)`.
 */
export function describeLoneSurrogate (text: string, index: number): string {
  return `a lone UTF-16 surrogate (\\u${text.charCodeAt(index).toString(16).padStart(4, '0')})`
}

/** The line (from 1, lines ending in `\n`) holding the code unit at `index`. */
export function lineAt (text: string, index: number): number {
  let line = 1
  for (let at = text.indexOf('\n'); at !== -1 && at < index; at = text.indexOf('\n', at + 1)) line++
  return line
}

/**
 * The first `maxUnits` UTF-16 code units of `text`, one fewer if the cut
 * would split a surrogate pair: a cut must not create the very problem the
 * message is about.
 */
export function cutText (text: string, maxUnits: number): string {
  if (text.length <= maxUnits) return text
  const last = text.charCodeAt(maxUnits - 1)
  const splitsPair = last >= 0xd800 && last <= 0xdbff
  return text.slice(0, splitsPair ? maxUnits - 1 : maxUnits)
}
