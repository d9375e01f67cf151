import { Value } from 'typebox/value'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ExercismResultsSchema, ExercismV3ResultsSchema } from '../../../services/api/exercism-results.js'
import { GradescopeResultsSchema } from '../../../services/api/gradescope-results.js'
import { startTestGrader, type TestGrader } from '../../helpers/grader.js'

// A concept exercise in the style of Exercism's Python track: a unittest class whose tests are
// linked to the instructions' tasks with `@pytest.mark.task(taskno=N)`, one test left unlinked.
const LASAGNA_TESTS = `import unittest
import pytest
from lasagna import EXPECTED_BAKE_TIME, bake_time_remaining, preparation_time_in_minutes


class LasagnaTest(unittest.TestCase):
    @pytest.mark.task(taskno=1)
    def test_EXPECTED_BAKE_TIME(self):
        self.assertEqual(EXPECTED_BAKE_TIME, 40)

    @pytest.mark.task(taskno=2)
    def test_bake_time_remaining(self):
        self.assertEqual(bake_time_remaining(25), 15)

    @pytest.mark.task(taskno=3)
    def test_preparation_time_in_minutes(self):
        self.assertEqual(preparation_time_in_minutes(2), 4)

    def test_nothing_left_at_the_end(self):
        self.assertEqual(bake_time_remaining(40), 0)


@pytest.mark.task(taskno=3)
@pytest.mark.parametrize('layers', [1, 3])
def test_preparation_grows_with_layers(layers):
    assert preparation_time_in_minutes(layers) == 2 * layers
`

// Task 3 is wrong (3 minutes a layer), and prints while it runs.
const LASAGNA = `EXPECTED_BAKE_TIME = 40


def bake_time_remaining(elapsed_bake_time):
    """Minutes left in the oven."""
    return EXPECTED_BAKE_TIME - elapsed_bake_time


def preparation_time_in_minutes(number_of_layers):
    print("layers:", number_of_layers)
    return 3 * number_of_layers
`

const LASAGNA_IDS = [
  'test_lasagna.py::LasagnaTest::test_EXPECTED_BAKE_TIME',
  'test_lasagna.py::LasagnaTest::test_bake_time_remaining',
  'test_lasagna.py::LasagnaTest::test_nothing_left_at_the_end',
  'test_lasagna.py::LasagnaTest::test_preparation_time_in_minutes',
  'test_lasagna.py::test_preparation_grows_with_layers[1]',
  'test_lasagna.py::test_preparation_grows_with_layers[3]',
]

const lasagna = (isolation: 'split' | 'in-process') => ({
  language: 'python',
  files: { 'lasagna.py': LASAGNA },
  tests: { 'test_lasagna.py': LASAGNA_TESTS },
  options: { isolation },
})

interface ErrorBody { error: { code: string, message: string } }

let g: TestGrader

beforeAll(async () => { g = await startTestGrader() })
afterAll(async () => { await g?.close() })

describe('GET /v1/submissions/:id/results.json', () => {
  for (const isolation of ['split', 'in-process'] as const) {
    it(`links tests to their declared tasks with task_id in version 3, ${isolation}`, async () => {
      const done = await g.grade(lasagna(isolation))
      expect(done.result!.isolation).toBe(isolation)
      expect(done.result!.tests.map(t => [t.name, t.status, t.taskId])).toEqual([
        [LASAGNA_IDS[0], 'pass', 1],
        [LASAGNA_IDS[1], 'pass', 2],
        [LASAGNA_IDS[2], 'pass', undefined],
        [LASAGNA_IDS[3], 'fail', 3],
        [LASAGNA_IDS[4], 'fail', 3],
        [LASAGNA_IDS[5], 'fail', 3],
      ])

      const v3 = await g.request(`/v1/submissions/${done.id}/results.json?version=3`)
      expect(v3.status).toBe(200)
      const doc = await v3.json() as { version: number, tests: Array<Record<string, unknown>> }
      expect(Value.Errors(ExercismV3ResultsSchema, doc)).toEqual([])
      expect(doc.version).toBe(3)
      expect(doc.tests.map(t => t.task_id)).toEqual([1, 2, undefined, 3, 3, 3])
      expect(doc.tests[3]).toMatchObject({ status: 'fail', message: expect.stringContaining('6 != 4'), output: 'layers: 2\n' })
    })
  }

  it('stays Exercism version 2 without the query, with no task_id', async () => {
    const done = await g.grade(lasagna('split'))
    const res = await g.request(`/v1/submissions/${done.id}/results.json`)
    const doc = await res.json() as Record<string, unknown>
    expect(Value.Errors(ExercismResultsSchema, doc)).toEqual([])
    expect(doc.version).toBe(2)
    expect(JSON.stringify(doc)).not.toContain('task_id')
    expect((await g.request(`/v1/submissions/${done.id}/results.json?version=2`)).status).toBe(200)
    const four = await g.request(`/v1/submissions/${done.id}/results.json?version=4`)
    expect([four.status, (await four.json() as ErrorBody).error.code]).toEqual([400, 'invalid_request'])
  })
})

describe('GET /v1/submissions/:id/gradescope.json', () => {
  it('gives a plain tests submission 1 point per test, every test visible', async () => {
    const done = await g.grade(lasagna('split'))
    const res = await g.request(`/v1/submissions/${done.id}/gradescope.json`)
    expect(res.status).toBe(200)
    const doc = await res.json() as { score: number, execution_time: number, tests: Array<Record<string, unknown>> }
    expect(Value.Errors(GradescopeResultsSchema, doc)).toEqual([])
    expect(doc.score).toBe(3)
    expect(doc.execution_time).toBeGreaterThan(0)
    expect(doc.tests.map(t => [t.name, t.score, t.max_score, t.status, t.visibility])).toEqual([
      [LASAGNA_IDS[0], 1, 1, 'passed', 'visible'],
      [LASAGNA_IDS[1], 1, 1, 'passed', 'visible'],
      [LASAGNA_IDS[2], 1, 1, 'passed', 'visible'],
      [LASAGNA_IDS[3], 0, 1, 'failed', 'visible'],
      [LASAGNA_IDS[4], 0, 1, 'failed', 'visible'],
      [LASAGNA_IDS[5], 0, 1, 'failed', 'visible'],
    ])
    expect(doc.tests[3]!.output).toMatch(/6 != 4[\s\S]*Output:\nlayers: 2\n/)
  })

  it('takes points and visibility from the challenge\'s policy', async () => {
    const put = await g.request('/v1/challenges/lasagna', {
      method: 'PUT',
      body: JSON.stringify({
        language: 'python',
        tests: { 'test_lasagna.py': LASAGNA_TESTS },
        policy: {
          tests: {
            'test_lasagna.py::LasagnaTest::test_EXPECTED_BAKE_TIME': { points: 2 },
            'test_lasagna.py::test_preparation_grows_with_layers*': { points: 4, visibility: 'hidden' },
            'test_lasagna.py::LasagnaTest::test_nothing_left_at_the_end': { points: 0.5, visibility: 'after_due' },
          },
          dueAt: '2999-01-01T00:00:00Z',
        },
      }),
    })
    expect(put.status, await put.clone().text()).toBe(200)
    const done = await g.grade({ challenge: 'lasagna', files: { 'lasagna.py': LASAGNA } })
    const doc = await (await g.request(`/v1/submissions/${done.id}/gradescope.json`)).json() as { score: number, tests: Array<Record<string, unknown>> }
    expect(Value.Errors(GradescopeResultsSchema, doc)).toEqual([])
    expect(doc.tests.map(t => [t.score, t.max_score, t.visibility])).toEqual([
      [2, 2, 'visible'], [1, 1, 'visible'], [0.5, 0.5, 'after_due_date'], [0, 1, 'visible'], [0, 4, 'hidden'], [0, 4, 'hidden'],
    ])
    // the same score as the submission's own
    const full = await (await g.request(`/v1/submissions/${done.id}`)).json() as { result: { score: number, maxScore: number } }
    expect([doc.score, full.result.score, full.result.maxScore]).toEqual([3.5, 3.5, 12.5])
  })

  it('is 404 until the submission is done, like results.json', async () => {
    const accepted = await g.request('/v1/submissions', { method: 'POST', body: JSON.stringify(lasagna('split')) })
    const { id } = await accepted.json() as { id: string }
    for (const path of ['gradescope.json', 'results.json?version=3']) {
      const res = await g.request(`/v1/submissions/${id}/${path}`)
      expect(res.status).toBe(404)
      expect((await res.json() as ErrorBody).error.message).toMatch(/not ready yet/)
    }
    const unknown = await g.request('/v1/submissions/00000000-0000-4000-8000-000000000000/gradescope.json')
    expect(unknown.status).toBe(404)
    // graded before the next test, whose leftover check would otherwise see this one's container
    await g.client.wait(id)
  })
})

describe('the formats are for the platform backend', () => {
  it('refuses view=student with 400 rather than serve every test\'s details to a student-facing page', async () => {
    const done = await g.grade(lasagna('split'))
    for (const path of ['results.json?view=student', 'results.json?version=3&view=student', 'gradescope.json?view=student']) {
      const res = await g.request(`/v1/submissions/${done.id}/${path}`)
      expect(res.status).toBe(400)
      const { error } = await res.json() as ErrorBody
      expect(error.code).toBe('invalid_request')
      expect(error.message).toContain('view=student')
    }
    expect(await g.leftovers()).toEqual([])
  })
})
