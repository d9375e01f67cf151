import { describe, expect, it } from 'vitest'
import { closedLoop } from '../../../bench/closed-loop.js'

describe('closedLoop', () => {
  it('runs exactly the batch, never more than inFlight at once', async () => {
    let now = 0
    let most = 0
    let calls = 0
    const r = await closedLoop(10, 3, async () => {
      calls++
      most = Math.max(most, ++now)
      await new Promise(resolve => setTimeout(resolve, 2))
      now--
      return 5
    })
    expect(calls).toBe(10)
    expect(most).toBe(3)
    expect(r.ms).toHaveLength(10)
    expect(r.errors).toBe(0)
  })

  it('counts a grading that throws and goes on with the rest', async () => {
    let i = 0
    const r = await closedLoop(5, 2, async () => {
      if (++i === 2) throw new Error('grader said error/runtime')
      return 1
    })
    expect(r.ms).toHaveLength(4)
    expect(r.errors).toBe(1)
    expect(r.errorSamples).toEqual(['grader said error/runtime'])
  })
})
