// Poison job: a submission built to make the grader's own handling fail, so
// that every attempt fails the same way: a student file just under the API's
// 1 MiB limit holding one huge list literal. Merely compiling it (the agent
// checks the student's syntax before any student code runs) needs more memory
// than the container has, so the agent itself would be killed before the
// student's side ever starts, which the worker would take for a fault of the
// harness and retry, on every attempt, until it gave up as error/internal.
//
// What stops it: what the student's files do to the harness is the student's
// verdict, found once: the job is attempted once, ends `done` within a bounded
// time (never left `running`), and the worker goes on grading.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Submission } from '../../services/shared/contracts/submission-schema.js'
import { ADD_TESTS, ADD_WRONG_FOR_NEGATIVES } from '../fixtures/security/add-challenge.js'
import { python, type TestGrader } from '../helpers/grader.js'
import { expectHonestVerdict, expectStillGrades, fetchSubmission, startReadyGrader, submit, summary, until } from './helpers.js'

/** About 960 KB of source that compiles to a list of 480 000 zeros (a few hundred MB to compile). */
const HUGE_LITERAL = `X = [${'0,'.repeat(480_000)}]\n\n\ndef add(a, b):\n    return 0\n`

let grader: TestGrader
let sub: Submission
let tookMs = 0
beforeAll(async () => {
  grader = await startReadyGrader()
  const started = Date.now()
  const id = await submit(grader, python(HUGE_LITERAL, ADD_TESTS))
  // Bounded: a single attempt of the default limits, with room for queueing and start-up.
  sub = await until(`submission ${id} to be done`, async () => {
    const found = await fetchSubmission(grader, id)
    return found.state === 'done' ? found : undefined
  }, 60_000)
  tookMs = Date.now() - started
})
afterAll(async () => { await grader?.close() })
afterEach(async () => {
  expect(await grader.leftovers()).toEqual([])
})

describe('a student file that the harness cannot even compile within the memory limit', () => {
  it('ends done, in bounded time', () => {
    expect(sub.state, summary(sub)).toBe('done')
    expect(tookMs).toBeLessThan(60_000)
  })

  it('is the student\'s verdict, not an error of ours', () => {
    expectHonestVerdict(sub)
    expect(sub.result?.status, summary(sub)).toBe('error')
  })

  it('is attempted once: no process is made to fail twice by the same submission', () => {
    expect(sub.result?.attempts, summary(sub)).toBe(1)
  })

  it('leaves the grader grading: the next submission gets its honest verdict', async () => {
    await expectStillGrades(grader, python(ADD_WRONG_FOR_NEGATIVES, ADD_TESTS))
  })
})
