import { SUBMISSION_BOUNDS } from '../shared/contracts/submission-schema.js'
import { GraderError } from '../shared/errors/grader-error.js'
import { cutText, describeLoneSurrogate, hasLoneSurrogate, lineAt, loneSurrogateIndex } from './well-formed-text.js'

/**
 * Checks on the file maps of a submission, before anything touches Redis.
 *
 * Paths become file names inside the grading container, so each one must be
 * a plain relative path that cannot climb out of the work directory, cannot
 * collide with another file, and is readable when echoed back in an error.
 * Everything here is pure: no I/O, no clock.
 */

/** Which map of the request a file came from; used in messages. */
export type FileMapName = 'files' | 'tests'

/** How many characters of an offending path an error message shows. */
const SHOWN_PATH_CHARS = 60

// C0 controls, DEL and C1 controls: newline, tab, NUL, escape sequences…
// U+2028/U+2029 are line terminators too, and the shared schema's `^.*$`
// key pattern does not cover keys holding them, so they are refused here.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

/**
 * Quotes a path for an error message: JSON-escaped, so a newline, NUL or lone
 * surrogate shows as `\n`, `\u0000` or `\ud800`, and cut to a readable
 * length (never inside a surrogate pair).
 */
export function quotePath (path: string): string {
  if (path.length <= SHOWN_PATH_CHARS) return JSON.stringify(path)
  return `${JSON.stringify(cutText(path, SHOWN_PATH_CHARS))}… (${path.length} characters)`
}

/**
 * Why a single path is refused, or `null` when it is an acceptable relative
 * path. Names starting with a dot (`.hidden`) are fine; `.` and `..` are not.
 */
export function pathProblem (path: string): string | null {
  if (path.length === 0) return 'is empty'
  // checked first so a huge name is not scanned (or echoed) any further
  if (path.length > SUBMISSION_BOUNDS.maxPathLength) return `is longer than ${SUBMISSION_BOUNDS.maxPathLength} characters`
  if (FORBIDDEN_CHARACTER.test(path)) return 'holds a control character'
  // no file system can name a file with half a UTF-16 pair (UTF-8 cannot encode it)
  if (hasLoneSurrogate(path)) return 'holds a lone UTF-16 surrogate, which is not a character; send well-formed Unicode'
  // a backslash is a separator on Windows and an escape in shells: never useful here
  if (path.includes('\\')) return 'holds a backslash; use "/" between directories'
  if (path.startsWith('/')) return 'is absolute; give a path relative to the work directory'
  for (const segment of path.split('/')) {
    if (segment === '') return 'has an empty segment ("//" or a trailing "/")'
    if (segment === '.' || segment === '..') return `has a "${segment}" segment`
  }
  return null
}

/** Every proper parent directory of a relative path: `a/b/c` → `a`, `a/b`. */
function parentDirectories (path: string): string[] {
  const segments = path.split('/')
  return segments.slice(1).map((_, i) => segments.slice(0, i + 1).join('/'))
}

const invalidPath = (map: FileMapName, path: string, problem: string): GraderError =>
  new GraderError('invalid_path', `${map} path ${quotePath(path)} ${problem}`)

/**
 * Validates the `files` and `tests` maps of a submission; throws the
 * {@link GraderError} the client should see:
 *
 * - `payload_too_large` past {@link SUBMISSION_BOUNDS}.maxFiles files or
 *   maxTotalBytes bytes of content (UTF-8 bytes, not characters);
 * - `invalid_request` when `tests` is empty or a content is not a string;
 * - `invalid_path` for a refused path (see {@link pathProblem}), a path given
 *   in both maps, or a path that is also the parent directory of another;
 * - `invalid_content` for a content holding a lone UTF-16 surrogate: it cannot
 *   be written as a UTF-8 file, and would fail inside the sandbox as our fault.
 */
export function checkSubmissionFiles (files: Record<string, unknown>, tests: Record<string, unknown>): void {
  const entries: Array<[FileMapName, string, unknown]> = [
    ...Object.entries(files).map(([path, content]): [FileMapName, string, unknown] => ['files', path, content]),
    ...Object.entries(tests).map(([path, content]): [FileMapName, string, unknown] => ['tests', path, content]),
  ]
  if (entries.length > SUBMISSION_BOUNDS.maxFiles) {
    throw new GraderError('payload_too_large', `a submission holds at most ${SUBMISSION_BOUNDS.maxFiles} files (files and tests together); this one has ${entries.length}`)
  }
  if (Object.keys(tests).length === 0) {
    throw new GraderError('invalid_request', 'tests must hold at least one file: the assertion suite to run')
  }

  const owner = new Map<string, FileMapName>()
  let totalBytes = 0
  for (const [map, path, content] of entries) {
    const problem = pathProblem(path)
    if (problem !== null) throw invalidPath(map, path, problem)
    if (typeof content !== 'string') {
      throw new GraderError('invalid_request', `${map} content of ${quotePath(path)} must be a string`)
    }
    if (owner.has(path)) throw invalidPath(map, path, 'is given in both files and tests')
    owner.set(path, map)
    totalBytes += Buffer.byteLength(content, 'utf8')
    if (totalBytes > SUBMISSION_BOUNDS.maxTotalBytes) {
      throw new GraderError('payload_too_large', `file contents exceed ${SUBMISSION_BOUNDS.maxTotalBytes} bytes (UTF-8, files and tests together)`)
    }
    const lone = loneSurrogateIndex(content)
    if (lone !== -1) {
      throw new GraderError('invalid_content', `${map} content of ${quotePath(path)} holds ${describeLoneSurrogate(content, lone)} at line ${lineAt(content, lone)}, which is not a character; send well-formed Unicode text`)
    }
  }

  // A file named `a` and a file `a/b` cannot both exist on disk: one would
  // have to be a directory. Refuse it here rather than fail inside the sandbox.
  for (const [map, path] of entries) {
    for (const parent of parentDirectories(path)) {
      if (owner.has(parent)) throw invalidPath(map, path, `is inside ${quotePath(parent)}, which is also given as a file`)
    }
  }
}
