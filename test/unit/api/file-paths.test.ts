import { describe, expect, it } from 'vitest'
import { checkSubmissionFiles, pathProblem, quotePath } from '../../../services/api/file-paths.js'
import { SUBMISSION_BOUNDS } from '../../../services/shared/contracts/submission-schema.js'
import { isGraderError } from '../../../services/shared/errors/grader-error.js'

/** The code of the GraderError `fn` throws, or 'none'. */
function codeOf (fn: () => void): string {
  try {
    fn()
    return 'none'
  } catch (err) {
    if (isGraderError(err)) return err.code
    throw err
  }
}

function messageOf (fn: () => void): string {
  try {
    fn()
  } catch (err) {
    if (err instanceof Error) return err.message
  }
  return ''
}

const TESTS = { 'test_solution.py': 'def test_x(): pass\n' }

describe('pathProblem', () => {
  it.each([
    ['an empty path', ''],
    ['an absolute path', '/etc/passwd'],
    ['a leading parent segment', '../x'],
    ['a parent segment in the middle', 'a/../b'],
    ['a trailing parent segment', 'a/..'],
    ['a lone dot', '.'],
    ['a dot segment', 'a/./b'],
    ['a leading dot segment', './a'],
    ['a backslash', 'a\\b'],
    ['a Windows-style parent', '..\\x'],
    ['a NUL byte', 'a\u0000b'],
    ['a newline', 'a\nb'],
    ['a tab', 'a\tb'],
    ['a carriage return', 'a\rb'],
    ['DEL', 'a\u007fb'],
    ['a C1 control character', 'a\u0085b'],
    ['a Unicode line separator', 'a\u2028b'],
    ['a lone high surrogate', 'a\ud800b.py'],
    ['a lone low surrogate', '\udc00.py'],
    ['a surrogate pair in the wrong order', 'a\ude00\ud83d.py'],
    ['an empty segment', 'a//b'],
    ['a trailing slash', 'a/'],
    ['a path one character too long', 'x'.repeat(SUBMISSION_BOUNDS.maxPathLength + 1)],
    ['a 4000-character path', 'a'.repeat(4000)],
  ])('refuses %s', (_what, path) => {
    expect(pathProblem(path)).not.toBeNull()
  })

  it.each([
    ['a plain file', 'solution.py'],
    ['a nested file', 'pkg/util.py'],
    ['dashes and digits', 'data-1.txt'],
    ['a hidden file', '.hidden'],
    ['a hidden directory', 'a/.config/settings.toml'],
    ['a name starting with two dots', '..foo'],
    ['non-ASCII letters', 'données/über.py'],
    ['spaces', 'my file.py'],
    ['an emoji (a well-formed surrogate pair)', 'smile-\ud83d\ude00.py'],
    ['a path exactly at the length bound', 'x'.repeat(SUBMISSION_BOUNDS.maxPathLength)],
  ])('allows %s', (_what, path) => {
    expect(pathProblem(path)).toBeNull()
  })
})

describe('quotePath', () => {
  it('escapes control characters so a message stays on one line', () => {
    expect(quotePath('a\nb\u0000')).toBe('"a\\nb\\u0000"')
  })

  it('escapes a lone surrogate so the message is well-formed text', () => {
    expect(quotePath('a\ud800.py')).toBe('"a\\ud800.py"')
  })

  it('never cuts a long path between the two halves of a surrogate pair', () => {
    const quoted = quotePath(`${'a'.repeat(59)}\ud83d\ude00${'b'.repeat(100)}`)
    expect(quoted.startsWith(`"${'a'.repeat(59)}"…`)).toBe(true)
    expect(/\p{Cs}/u.test(quoted)).toBe(false)
  })

  it('cuts a long path and says how long it was', () => {
    const quoted = quotePath('a'.repeat(4000))
    expect(quoted.length).toBeLessThan(100)
    expect(quoted).toContain('4000 characters')
  })
})

describe('checkSubmissionFiles', () => {
  it('accepts ordinary files and tests', () => {
    expect(codeOf(() => checkSubmissionFiles({ 'solution.py': 'x', 'pkg/util.py': 'y', '.hidden': '' }, TESTS))).toBe('none')
  })

  it('accepts an empty files map: the student may submit nothing', () => {
    expect(codeOf(() => checkSubmissionFiles({}, TESTS))).toBe('none')
  })

  it('refuses an empty tests map with invalid_request', () => {
    expect(codeOf(() => checkSubmissionFiles({ 'solution.py': 'x' }, {}))).toBe('invalid_request')
  })

  it('refuses a bad path with invalid_path naming the map and the path, escaped', () => {
    const fn = (): void => checkSubmissionFiles({ 'a\nb': 'x' }, TESTS)
    expect(codeOf(fn)).toBe('invalid_path')
    expect(messageOf(fn)).toBe('files path "a\\nb" holds a control character')
  })

  it('refuses a bad path in tests too', () => {
    const fn = (): void => checkSubmissionFiles({}, { '../test.py': 'x' })
    expect(codeOf(fn)).toBe('invalid_path')
    expect(messageOf(fn)).toMatch(/^tests path "\.\.\/test\.py"/)
  })

  it('refuses a path given in both files and tests', () => {
    expect(codeOf(() => checkSubmissionFiles({ 'test_solution.py': 'x' }, TESTS))).toBe('invalid_path')
  })

  it('refuses a file that is also the parent directory of another', () => {
    expect(codeOf(() => checkSubmissionFiles({ a: 'x', 'a/b': 'y' }, TESTS))).toBe('invalid_path')
  })

  it('refuses a parent-directory clash across files and tests, whichever comes first', () => {
    expect(codeOf(() => checkSubmissionFiles({ 'pkg/deep/x.py': 'x' }, { pkg: 'y', ...TESTS }))).toBe('invalid_path')
    expect(codeOf(() => checkSubmissionFiles({ pkg: 'x' }, { 'pkg/test.py': 'y' }))).toBe('invalid_path')
  })

  it('allows two files whose names only share a prefix', () => {
    expect(codeOf(() => checkSubmissionFiles({ a: 'x', ab: 'y', 'a.py': 'z' }, TESTS))).toBe('none')
  })

  it('refuses a path with a lone surrogate with invalid_path, printed escaped', () => {
    const fn = (): void => checkSubmissionFiles({}, { 'test_\ud800.py': 'x' })
    expect(codeOf(fn)).toBe('invalid_path')
    expect(messageOf(fn)).toMatch(/^tests path "test_\\ud800\.py" holds a lone UTF-16 surrogate/)
  })

  it('refuses a content with a lone surrogate with invalid_content naming the file and the line', () => {
    const fn = (): void => checkSubmissionFiles({ 'solution.py': 'def f():\n    return "\udfff"\n' }, TESTS)
    expect(codeOf(fn)).toBe('invalid_content')
    expect(messageOf(fn)).toBe('files content of "solution.py" holds a lone UTF-16 surrogate (\\udfff) at line 2, which is not a character; send well-formed Unicode text')
  })

  it('refuses a test file content with a lone surrogate too', () => {
    expect(codeOf(() => checkSubmissionFiles({}, { 'test_x.py': 'x = "\ud800"' }))).toBe('invalid_content')
  })

  it('accepts contents with emoji and other astral characters', () => {
    expect(codeOf(() => checkSubmissionFiles({ 'solution.py': 'print("\ud83d\ude00 \u{1d11e}")\n' }, TESTS))).toBe('none')
  })

  it('refuses a content that is not a string with invalid_request', () => {
    expect(codeOf(() => checkSubmissionFiles({ 'solution.py': 42 }, TESTS))).toBe('invalid_request')
  })

  it('accepts exactly the maximum number of files and refuses one more with payload_too_large', () => {
    const files = (n: number): Record<string, string> => Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}.py`, '']))
    expect(codeOf(() => checkSubmissionFiles(files(SUBMISSION_BOUNDS.maxFiles - 1), TESTS))).toBe('none')
    expect(codeOf(() => checkSubmissionFiles(files(SUBMISSION_BOUNDS.maxFiles), TESTS))).toBe('payload_too_large')
  })

  it('counts content size in UTF-8 bytes, not characters', () => {
    const max = SUBMISSION_BOUNDS.maxTotalBytes
    const testBytes = Buffer.byteLength(TESTS['test_solution.py'])
    expect(codeOf(() => checkSubmissionFiles({ 'a.txt': 'x'.repeat(max - testBytes) }, TESTS))).toBe('none')
    expect(codeOf(() => checkSubmissionFiles({ 'a.txt': 'x'.repeat(max - testBytes + 1) }, TESTS))).toBe('payload_too_large')
    // half as many characters, each two bytes in UTF-8
    expect(codeOf(() => checkSubmissionFiles({ 'a.txt': 'é'.repeat(max / 2) }, TESTS))).toBe('payload_too_large')
  })
})
