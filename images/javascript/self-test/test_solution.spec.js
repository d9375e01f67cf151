import { add } from './solution'

describe('add', () => {
  test('adds', () => {
    expect(add(2, 3)).toBe(5)
  })

  test.each([
    [1, 1, 2],
    [-1, 1, 0],
  ])('adds %i and %i', (a, b, total) => {
    expect(add(a, b)).toBe(total)
  })

  test.skip('declared skip', () => {
    expect(true).toBe(false)
  })
})

test('expected wrong', () => {
  // Fails on purpose: the self-test proves failures are reported too.
  expect(add(2, 2)).toBe(5)
})
