import { describe, expect, it } from 'vitest'
import { findJsonNode, formatJsonPath, jsonPath, type JsonNode } from '../../../services/api/json-walk.js'
import { cutText, describeLoneSurrogate, hasLoneSurrogate, lineAt, loneSurrogateIndex } from '../../../services/api/well-formed-text.js'

/** Every node of a walk, in visiting order. */
function visits (root: unknown): JsonNode[] {
  const seen: JsonNode[] = []
  findJsonNode(root, node => { seen.push(node); return false })
  return seen
}

/** `{"a":{"a":…1…}}`, `levels` objects deep, built without recursion. */
function nested (levels: number): unknown {
  let value: unknown = 1
  for (let i = 0; i < levels; i++) value = { a: value }
  return value
}

describe('findJsonNode', () => {
  it('counts a root object as depth 1, its object members as 2 and its scalars as 1', () => {
    const depths = visits({ s: 'x', o: { n: 1 }, a: [true] }).map(n => [jsonPath(n).join('.'), n.depth])
    expect(depths).toEqual([['', 1], ['s', 1], ['o', 2], ['o.n', 2], ['a', 2], ['a.0', 2]])
  })

  it('visits in document order, parents first', () => {
    expect(visits([['x', 'y'], 'z']).map(n => n.value)).toEqual([[['x', 'y'], 'z'], ['x', 'y'], 'x', 'y', 'z'])
  })

  it('returns the first node accepted and its path', () => {
    const found = findJsonNode({ a: [0, { b: 'hit' }], c: 'hit' }, node => node.value === 'hit')
    expect(found === null ? null : jsonPath(found)).toEqual(['a', 1, 'b'])
  })

  it('stops at the first level too deep, whatever the depth below', () => {
    const found = findJsonNode(nested(1_000_000), node => node.depth > 16)
    expect(found?.depth).toBe(17)
    expect(found === null ? 0 : jsonPath(found).length).toBe(16)
  })

  it('walks a value a million levels deep without overflowing the stack', () => {
    expect(findJsonNode(nested(1_000_000), () => false)).toBeNull()
  })

  it('treats a scalar root as depth 0', () => {
    expect(visits('x')).toMatchObject([{ value: 'x', depth: 0, key: undefined }])
  })
})

describe('formatJsonPath', () => {
  it('quotes keys and leaves indices bare', () => {
    expect(formatJsonPath('metadata', ['course', 'tags', 2])).toBe('metadata["course"]["tags"][2]')
  })

  it('escapes control characters and lone surrogates in keys', () => {
    expect(formatJsonPath('body', ['a\nb', '\ud800'])).toBe('body["a\\nb"]["\\ud800"]')
  })

  it('cuts a long path', () => {
    const text = formatJsonPath('metadata', Array.from({ length: 100 }, () => 'a'))
    expect(text.length).toBeLessThanOrEqual(121)
    expect(text.endsWith('…')).toBe(true)
  })
})

describe('well-formed text', () => {
  it.each([
    ['a lone high surrogate', 'x\ud800', 1],
    ['a lone low surrogate', '\udc00x', 0],
    ['a pair in the wrong order', 'ab\ude00\ud83d', 2],
  ])('finds %s', (_what, text, index) => {
    expect(hasLoneSurrogate(text)).toBe(true)
    expect(loneSurrogateIndex(text)).toBe(index)
  })

  it('accepts well-formed pairs and plain text', () => {
    expect(hasLoneSurrogate('smile \ud83d\ude00, clef \u{1d11e}, é')).toBe(false)
    expect(loneSurrogateIndex('')).toBe(-1)
  })

  it('names the surrogate escaped and finds its line', () => {
    expect(describeLoneSurrogate('a\ud800', 1)).toBe('a lone UTF-16 surrogate (\\ud800)')
    expect(lineAt('one\ntwo\nthree', 0)).toBe(1)
    expect(lineAt('one\ntwo\nthree', 3)).toBe(1)
    expect(lineAt('one\ntwo\nthree', 4)).toBe(2)
    expect(lineAt('one\ntwo\nthree', 9)).toBe(3)
  })

  it('never cuts a surrogate pair in two', () => {
    expect(cutText('ab\ud83d\ude00c', 3)).toBe('ab')
    expect(cutText('ab\ud83d\ude00c', 4)).toBe('ab\ud83d\ude00')
    expect(cutText('abc', 5)).toBe('abc')
  })
})
