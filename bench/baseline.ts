/**
 * The baseline: what a user would script without the grader. The same image,
 * suite and limits, one `docker run --rm` per grading with the files
 * bind-mounted read-only, pytest's exit code as the verdict.
 */
import { spawn } from 'node:child_process'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { resolveLimits } from '../services/shared/config/limits.js'

export interface BaselineInput {
  image: string
  solution: string
  tests: string
}

/**
 * The `docker run` arguments of one baseline grading: the grader's default
 * limits for Python (memory without swap, CPU quota, pids), no network, the
 * student's uid, a read-only root with a /tmp, no capabilities.
 */
export function baselineArgs (image: string, dir: string): string[] {
  return [...hardenedRunArgs('python', dir), '-e', 'PYTHONDONTWRITEBYTECODE=1',
    image, 'python3', '-m', 'pytest', '-q', '-p', 'no:cacheprovider', '/w']
}

/**
 * `docker run --rm` with a language's default limits as the grader applies them (memory
 * without swap, CPU quota, pids), no network, the student's uid, a read-only root with a
 * /tmp, no capabilities, and `dir` mounted read-only as the working folder /w.
 */
export function hardenedRunArgs (language: string, dir: string): string[] {
  const limits = resolveLimits(language)
  // The grader's CFS period (10 ms), so the quota is the same slice the grader gives.
  const periodUs = 10_000
  return ['run', '--rm', '--network', 'none', '--user', '10002:10002',
    '--memory', `${limits.memoryMb}m`, '--memory-swap', `${limits.memoryMb}m`,
    '--cpu-period', String(periodUs), '--cpu-quota', String(Math.round(limits.cpus * periodUs)),
    '--pids-limit', String(limits.pids), '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges',
    '--read-only', '--tmpfs', '/tmp:size=64m',
    '-v', `${dir}:/w:ro`, '-w', '/w']
}

/** One baseline grading; its time in ms, from writing the files to docker's exit. Throws unless pytest passed. */
export async function baselineRun (input: BaselineInput): Promise<number> {
  const t0 = performance.now()
  const dir = await mkdtemp(join(tmpdir(), 'bench-'))
  try {
    // The student's uid in the container must read the files.
    await chmod(dir, 0o755)
    await writeFile(join(dir, 'solution.py'), input.solution)
    await writeFile(join(dir, 'test_solution.py'), input.tests)
    const { code, output } = await new Promise<{ code: number | null, output: string }>((resolve, reject) => {
      const child = spawn('docker', baselineArgs(input.image, dir), { stdio: ['ignore', 'pipe', 'pipe'] })
      let output = ''
      child.stdout.on('data', (c: Buffer) => { output += c.toString() })
      child.stderr.on('data', (c: Buffer) => { output += c.toString() })
      child.once('error', reject)
      child.once('close', code => resolve({ code, output }))
    })
    if (code !== 0) throw new Error(`baseline docker run exited ${code}: ${output.slice(-500)}`)
    return performance.now() - t0
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
