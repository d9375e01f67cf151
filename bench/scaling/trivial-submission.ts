/**
 * The submission every scaling measurement grades: the README's one-test pytest suite, so
 * that a grading costs what the smallest real grading costs (container, pytest, one test).
 */
export const TRIVIAL_SUBMISSION = Object.freeze({
  language: 'python',
  files: { 'solution.py': 'def add(a, b):\n    return a + b\n' },
  tests: { 'test_solution.py': 'from solution import add\n\ndef test_add():\n    assert add(2, 3) == 5\n' },
})
