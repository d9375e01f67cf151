/**
 * `npm run bench`: latency of grading one small Python submission, against a
 * baseline measured in the same run on the same engine: the home-made grader
 * (`docker run --rm` with a bind-mounted workspace, pytest, exit code).
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
  } finally {
    await grader.close()
  }
}

// exit explicitly: keep-alive sockets of fetch would hold the process a while longer
main().then(() => process.exit(0), (err: unknown) => { console.error(err); process.exit(1) })
