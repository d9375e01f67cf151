/**
 * The two suites of the lecture hall, as inline submissions (language, files,
 * tests, limits): what a student's correct answer costs to grade.
 */
import type { ChallengeKind } from './exam-scenario.js'

/**
 * Loop iterations of the heavy suite: about 66 ns each in CPython 3.11 on this
 * kind of core, so ~1.3 s of one core, within the "1–2 s of CPU".
 */
export const HEAVY_ITERATIONS = 20_000_000

const FAST = {
  language: 'python',
  files: { 'solution.py': 'def add(a, b):\n    return a + b\n' },
  tests: { 'test_solution.py': 'from solution import add\n\ndef test_add():\n    assert add(2, 3) == 5\n' },
}

// The student loops; the test checks against the closed form, so the suite's
// own side costs nothing and the CPU is the student's code's.
const HEAVY = {
  language: 'python',
  files: { 'solution.py': 'def squares(n):\n    s = 0\n    for i in range(n):\n        s += i * i\n    return s\n' },
  tests: {
    'test_solution.py': `from solution import squares\n\nN = ${HEAVY_ITERATIONS}\n\ndef test_squares():\n    assert squares(N) == (N - 1) * N * (2 * N - 1) // 6\n`,
  },
  // Two gradings share two cores with the API and the bench: the heavy test
  // may take several times its quiet 1.3 s, which is load, not a wrong answer.
  limits: { timeoutMs: 30_000, testTimeoutMs: 25_000 },
}

/** The request body of one submission of `kind` (the lane and student are added by the client). */
export function challengeBody (kind: ChallengeKind): Record<string, unknown> {
  return kind === 'heavy' ? HEAVY : FAST
}
