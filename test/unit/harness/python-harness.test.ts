import { spawn, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// The Python harness (images/python/harness) has its own unit tests beside this file,
// unittest classes that run under pytest or plain unittest: this runs them, so that
// `npm test` and `npm run test:unit` include them. No Docker: the student side is a
// real launcher and student process on this machine.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const SUITE = 'test/unit/harness'
const PYTHON = 'python3'

function hasPytest (): boolean {
  return spawnSync(PYTHON, ['-c', 'import pytest'], { cwd: ROOT, stdio: 'ignore' }).status === 0
}

function run (args: string[]): Promise<{ code: number | null, output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, args, {
      cwd: ROOT,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.setEncoding('utf8').on('data', (text: string) => { output += text })
    child.stderr.setEncoding('utf8').on('data', (text: string) => { output += text })
    child.on('error', reject)
    child.on('close', code => resolve({ code, output }))
  })
}

describe('the Python harness', () => {
  it('passes its unit tests: framing, codec, mutation sync, judge, schema, intake and proxies', async () => {
    const args = hasPytest()
      ? ['-m', 'pytest', SUITE, '-q', '-p', 'no:cacheprovider']
      : ['-m', 'unittest', 'discover', '-s', SUITE]
    const { code, output } = await run(args)
    expect(code, `${PYTHON} ${args.join(' ')} said:\n${output}`).toBe(0)
  }, 180_000)
})
