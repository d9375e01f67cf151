/**
 * The JavaScript baseline: what a platform would script without the grader. The same image,
 * files and limits, one `docker run --rm` per grading running the image's own Jest on the
 * folder (what `npx jest` runs: node_modules/.bin/jest is jest/bin/jest.js), with Exercism's
 * babel.config.js and jest.config.js as the exercise ships them; Jest's exit code is the verdict.
 * It shares the runtime image with the grader but none of its harness: no second process, no
 * proxies, no warm container.
 */
import { spawn } from 'node:child_process'
import { chmod, copyFile, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hardenedRunArgs } from '../baseline.js'

/** Exercism's two configuration files, kept verbatim with the conformance corpus. */
const EXERCISM_CONFIG = new URL('../../test/conformance/javascript/exercism-config/', import.meta.url).pathname
/** Where images/javascript/Dockerfile installs Jest, Babel and the preset. */
const IMAGE_MODULES = '/opt/grader/node_modules'

export interface JestBaselineInput {
  image: string
  /** The student's files and the spec files, by name: one folder, as an exercise is laid out. */
  files: Record<string, string>
}

/** The `docker run` arguments: the grader's JavaScript limits and hardening (bench/baseline.ts), then the image's Jest. */
export function jestBaselineArgs (image: string, dir: string): string[] {
  return [...hardenedRunArgs('javascript', dir), '-e', 'CI=true', '-e', 'HOME=/tmp',
    '--entrypoint', 'node', image, `${IMAGE_MODULES}/jest/bin/jest.js`, '--ci', '--no-watchman', '--runInBand']
}

/** One baseline grading: its time in ms, from writing the files to docker's exit. Throws unless Jest passed. */
export async function jestBaselineRun (input: JestBaselineInput): Promise<number> {
  const t0 = performance.now()
  const dir = await mkdtemp(join(tmpdir(), 'bench-jest-'))
  try {
    await chmod(dir, 0o755)
    for (const [name, text] of Object.entries(input.files)) await writeFile(join(dir, name), text, { mode: 0o644 })
    for (const name of ['babel.config.js', 'jest.config.js']) {
      await copyFile(join(EXERCISM_CONFIG, name), join(dir, name))
      await chmod(join(dir, name), 0o644)
    }
    // Babel resolves the preset from the config's folder: a link to the image's modules (dangling here).
    await symlink(IMAGE_MODULES, join(dir, 'node_modules'))
    const { code, output } = await new Promise<{ code: number | null, output: string }>((resolve, reject) => {
      const child = spawn('docker', jestBaselineArgs(input.image, dir), { stdio: ['ignore', 'pipe', 'pipe'] })
      let output = ''
      child.stdout.on('data', (c: Buffer) => { output = (output + c.toString()).slice(-4000) })
      child.stderr.on('data', (c: Buffer) => { output = (output + c.toString()).slice(-4000) })
      child.once('error', reject)
      child.once('close', code => resolve({ code, output }))
    })
    if (code !== 0) throw new Error(`baseline docker run of jest exited ${code}: ${output.slice(-800)}`)
    return performance.now() - t0
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
