/**
 * `npm run bench`: latency of grading one small Python submission, against a
 * baseline measured in the same run on the same engine: the home-made grader
 * (`docker run --rm` with a bind-mounted workspace, pytest, exit code).
 * Then the cost of running the student's code in a process of its own: the run
 * stage of a 20-test suite, split against in-process, and the per-call overhead.
 * Prints medians and ratios, not pass/fail: this machine is shared and noisy.
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ADD_CORRECT, ADD_TESTS } from '../test/fixtures/python/add.js'
import { python, startTestGrader } from '../test/helpers/grader.js'

const RUNS = Number(process.env.BENCH_RUNS ?? 10)
const IMAGE = process.env.BENCH_IMAGE ?? 'grader-python:1'

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))]!

function naiveDockerRun (): number {
  const dir = mkdtempSync(join(tmpdir(), 'bench-'))
  chmodSync(dir, 0o755)
  writeFileSync(join(dir, 'solution.py'), ADD_CORRECT)
  writeFileSync(join(dir, 'test_solution.py'), ADD_TESTS)
  const t0 = performance.now()
  const res = spawnSync('docker', ['run', '--rm', '--network', 'none', '--user', '10002:10002', '-v', `${dir}:/w:ro`, '-w', '/w',
    '-e', 'PYTHONDONTWRITEBYTECODE=1', IMAGE, 'python3', '-m', 'pytest', '-q', '-p', 'no:cacheprovider', '/w'], { encoding: 'utf8' })
  const ms = performance.now() - t0
  rmSync(dir, { recursive: true, force: true })
  if (res.status !== 0) throw new Error(`baseline run failed: ${res.stderr || res.stdout}`)
  return ms
}

/** A 20-test suite of the usual shape: each test calls the student's code a few times. */
const TWENTY_SOLUTION = 'def add(a, b):\n    return a + b\n\nclass Counter:\n    def __init__(self):\n        self.n = 0\n    def bump(self):\n        self.n += 1\n        return self.n\n'
const TWENTY_TESTS = 'import unittest\nfrom solution import add, Counter\n\nclass AddTest(unittest.TestCase):\n' +
  Array.from({ length: 20 }, (_, i) => `    def test_${String(i).padStart(2, '0')}(self):\n        self.assertEqual(add(${i}, 1), ${i + 1})\n        c = Counter()\n        self.assertEqual([c.bump(), c.bump()], [1, 2])\n`).join('')

/** Times CALLS calls of the student's code from one test; the figure comes back as the test's message. */
const CALLS = 2000
const PER_CALL_TESTS = `import time\nfrom solution import add\n\ndef test_per_call():\n    t0 = time.perf_counter()\n    for i in range(${CALLS}):\n        add(i, 1)\n    us = (time.perf_counter() - t0) / ${CALLS} * 1e6\n    assert False, 'per-call %.1f us' % us\n`

async function isolationBench (grader: Awaited<ReturnType<typeof startTestGrader>>): Promise<void> {
  const runMs: Record<string, number[]> = { split: [], 'in-process': [] }
  const perCall: Record<string, number[]> = { split: [], 'in-process': [] }
  for (let i = 0; i < RUNS; i++) {
    for (const isolation of ['split', 'in-process'] as const) {
      const sub = await grader.grade({ ...python(TWENTY_SOLUTION, TWENTY_TESTS), options: { isolation } })
      if (sub.result?.status !== 'pass') throw new Error(`20-test suite (${isolation}): ${sub.result?.status} ${sub.result?.message ?? ''}`)
      runMs[isolation]!.push(sub.result.timings?.runMs ?? NaN)
      const timed = await grader.grade({ ...python(TWENTY_SOLUTION, PER_CALL_TESTS), options: { isolation } })
      const us = Number(/per-call ([\d.]+) us/.exec(timed.result?.tests[0]?.message ?? '')?.[1])
      perCall[isolation]!.push(us)
    }
  }
  console.log(`\nthe student's code in a process of its own (split, the default) against in-process, ${RUNS} runs each, same run`)
  console.log(`run stage of a 20-test unittest suite (median ms): split ${median(runMs.split!)}, in-process ${median(runMs['in-process']!)}, ` +
    `ratio ${(median(runMs.split!) / median(runMs['in-process']!)).toFixed(2)}`)
  const overhead = median(perCall.split!) - median(perCall['in-process']!)
  console.log(`one call of the student's code from a test (median µs): split ${median(perCall.split!).toFixed(1)}, in-process ${median(perCall['in-process']!).toFixed(2)}; ` +
    `per-call overhead of the split ${overhead.toFixed(1)} µs`)
}

async function main (): Promise<void> {
  const grader = await startTestGrader({ GRADER_HOST_CONCURRENCY: '1' })
  try {
    naiveDockerRun(); await grader.grade(python(ADD_CORRECT, ADD_TESTS)) // warm-up
    const baseline: number[] = []
    const ours: number[] = []
    const stages: Record<string, number[]> = {}
    for (let i = 0; i < RUNS; i++) {
      baseline.push(naiveDockerRun())
      const t0 = performance.now()
      const sub = await grader.grade(python(ADD_CORRECT, ADD_TESTS))
      ours.push(performance.now() - t0)
      if (sub.result?.status !== 'pass') throw new Error(`grader said ${sub.result?.status}`)
      for (const [k, v] of Object.entries(sub.result.timings ?? {})) (stages[k] ??= []).push(v)
    }
    const line = (name: string, xs: number[]) => `${name.padEnd(44)} median ${median(xs).toFixed(0).padStart(5)} ms   p95 ${p95(xs).toFixed(0).padStart(5)} ms`
    console.log(`grading one Python submission (3 tests), ${RUNS} runs each, sequential`)
    console.log(line('baseline: docker run --rm + pytest (CLI)', baseline))
    console.log(line('grader: POST ?wait=true, end to end', ours))
    console.log(`ratio grader / baseline (median): ${(median(ours) / median(baseline)).toFixed(2)}`)
    console.log('grader stages (median ms): ' + Object.entries(stages).map(([k, v]) => `${k} ${median(v)}`).join(', '))
    await isolationBench(grader)
  } finally {
    await grader.close()
  }
}

// exit explicitly: keep-alive sockets of fetch would hold the process a while longer
main().then(() => process.exit(0), (err: unknown) => { console.error(err); process.exit(1) })
