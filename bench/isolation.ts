/**
 * The optional last section (`--isolation`): what running the student's code
 * in a process of its own (split, the default) costs against in-process: the
 * run stage of a 20-test suite, and the overhead of one call of the student's
 * code from a test.
 */
import { gradeHeld, type GraderTarget } from './grader-http.js'
import { summarize, type Summary } from './stats.js'

/** A 20-test suite of the usual shape: each test calls the student's code a few times. */
const TWENTY_SOLUTION = 'def add(a, b):\n    return a + b\n\nclass Counter:\n    def __init__(self):\n        self.n = 0\n    def bump(self):\n        self.n += 1\n        return self.n\n'
const TWENTY_TESTS = 'import unittest\nfrom solution import add, Counter\n\nclass AddTest(unittest.TestCase):\n' +
  Array.from({ length: 20 }, (_, i) => `    def test_${String(i).padStart(2, '0')}(self):\n        self.assertEqual(add(${i}, 1), ${i + 1})\n        c = Counter()\n        self.assertEqual([c.bump(), c.bump()], [1, 2])\n`).join('')

/** Times CALLS calls of the student's code from one test; the figure comes back as the test's (failing) message. */
const CALLS = 2000
const PER_CALL_TESTS = `import time\nfrom solution import add\n\ndef test_per_call():\n    t0 = time.perf_counter()\n    for i in range(${CALLS}):\n        add(i, 1)\n    us = (time.perf_counter() - t0) / ${CALLS} * 1e6\n    assert False, 'per-call %.1f us' % us\n`

const ISOLATIONS = ['split', 'in-process'] as const

export interface IsolationFigures {
  runs: number
  /** Run stage (result.timings.runMs) of the 20-test suite, in ms, per isolation. */
  runStageMs: Record<typeof ISOLATIONS[number], Summary>
  /** One call of the student's code from a test, in µs, per isolation. */
  perCallUs: Record<typeof ISOLATIONS[number], Summary>
  /** Median per-call overhead of the split, in µs. */
  splitOverheadUs: number
}

const python = (solution: string, tests: string, isolation: string) =>
  ({ language: 'python', files: { 'solution.py': solution }, tests: { 'test_solution.py': tests }, options: { isolation } })

export async function isolationFigures (target: GraderTarget, runs: number): Promise<IsolationFigures> {
  const runMs = { split: [] as number[], 'in-process': [] as number[] }
  const perCall = { split: [] as number[], 'in-process': [] as number[] }
  for (let i = 0; i < runs; i++) {
    for (const isolation of ISOLATIONS) {
      const g = await gradeHeld(target, python(TWENTY_SOLUTION, TWENTY_TESTS, isolation))
      if (g.status !== 'pass') throw new Error(`20-test suite (${isolation}): ${g.status}`)
      runMs[isolation].push(g.timings.runMs ?? NaN)
      const res = await fetch(`${target.url}/v1/submissions?wait=true`, {
        method: 'POST', headers: { authorization: `Bearer ${target.key}`, 'content-type': 'application/json' }, body: JSON.stringify(python(TWENTY_SOLUTION, PER_CALL_TESTS, isolation)),
      })
      const sub = await res.json() as { result?: { tests?: Array<{ message?: string }> } }
      const us = Number(/per-call ([\d.]+) us/.exec(sub.result?.tests?.[0]?.message ?? '')?.[1])
      if (!Number.isFinite(us)) throw new Error(`per-call figure (${isolation}) not found in the result`)
      perCall[isolation].push(us)
    }
  }
  const perCallUs = { split: summarize(perCall.split), 'in-process': summarize(perCall['in-process']) }
  return {
    runs,
    runStageMs: { split: summarize(runMs.split), 'in-process': summarize(runMs['in-process']) },
    perCallUs,
    splitOverheadUs: perCallUs.split.p50 - perCallUs['in-process'].p50,
  }
}
