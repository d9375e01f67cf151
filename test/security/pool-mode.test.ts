// The security suite runs twice (vitest.config.ts): with the warm pool on, the grader's default,
// and with GRADER_POOL_SIZE=0. This proves each pass grades the way it claims, so a property that
// held in both passes held for warm and for cold containers.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { ADD_CORRECT, ADD_TESTS } from '../fixtures/python/add.js'
import { python, type TestGrader } from '../helpers/grader.js'
import { startReadyGrader } from './helpers.js'

const poolOff = process.env.GRADER_POOL_SIZE === '0'
let grader: TestGrader
beforeAll(async () => { grader = await startReadyGrader() })
afterAll(async () => { await grader?.close() })

it(`grades in ${poolOff ? 'cold' : 'warm'} containers in this pass`, async () => {
  if (!poolOff) {
    // the pool fills in the background: the first submission may come before it has; one
    // container per runtime image of the host, so python's is among them
    const images = grader.worker.pool.hosts[0]!.images.size
    const deadline = Date.now() + 20_000
    while (grader.worker.warm.idleContainerIds().length < images && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 100))
  }
  const done = await grader.grade(python(ADD_CORRECT, ADD_TESTS))
  expect(done.result?.status).toBe('pass')
  expect(done.result?.container).toBe(poolOff ? 'cold' : 'warm')
})
