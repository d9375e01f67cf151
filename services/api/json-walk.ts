import { cutText } from './well-formed-text.js'

/**
 * A walk over a parsed JSON value that never recurses, for checks on values
 * that may be nested as deep as a request body allows (a 2 MiB body of `[`
 * is a million levels): recursion, `JSON.stringify` included, overflows the
 * stack long before that. Pure.
 */

/** A step from a value to a child: an object key or an array index. */
export type JsonKey = string | number

/** One value met on a walk, with the way back to the root. */
export interface JsonNode {
  readonly value: unknown
  /** Where the parent holds it; `undefined` for the root. */
  readonly key: JsonKey | undefined
  /**
   * Objects and arrays enclosing it, itself included when it is one: a root
   * object is at depth 1, its object members at 2, its string members at 1.
   */
  readonly depth: number
  readonly parent: JsonNode | undefined
}

const isContainer = (value: unknown): value is object => typeof value === 'object' && value !== null

/**
 * Visits every value under `root`, parents before children and in document
 * order, and returns the first node `isProblem` accepts, or `null`. Below an
 * accepted node nothing is visited, so a depth check stops the walk at the
 * first level too deep. Costs O(values) time and memory, whatever the depth.
 */
export function findJsonNode (root: unknown, isProblem: (node: JsonNode) => boolean): JsonNode | null {
  const stack: JsonNode[] = [{ value: root, key: undefined, depth: isContainer(root) ? 1 : 0, parent: undefined }]
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (isProblem(node)) return node
    const { value } = node
    if (!isContainer(value)) continue
    const keys: JsonKey[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value)
    // pushed last to first, so the first child is visited first
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!
      const child: unknown = (value as Record<JsonKey, unknown>)[key]
      stack.push({ value: child, key, depth: node.depth + (isContainer(child) ? 1 : 0), parent: node })
    }
  }
  return null
}

/** The keys from the root down to `node`. */
export function jsonPath (node: JsonNode): JsonKey[] {
  const path: JsonKey[] = []
  for (let at: JsonNode | undefined = node; at?.key !== undefined; at = at.parent) path.push(at.key)
  return path.reverse()
}

/** How many characters of a path an error message shows. */
const SHOWN_PATH_CHARS = 120

/**
 * A path for an error message, in JavaScript's notation with every key
 * JSON-quoted (so control characters and lone surrogates show escaped):
 * `metadata["course"]["tags"][2]`, cut to a readable length.
 */
export function formatJsonPath (rootName: string, path: readonly JsonKey[]): string {
  const text = rootName + path.map(key => `[${typeof key === 'number' ? key : JSON.stringify(key)}]`).join('')
  return text.length <= SHOWN_PATH_CHARS ? text : `${cutText(text, SHOWN_PATH_CHARS)}…`
}
