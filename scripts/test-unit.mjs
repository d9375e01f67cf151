// `npm run test:unit`: every unit test (test/unit, the Python harness's included) with nothing
// provisioned: no Redis, no Docker. Installs the dependencies first on a fresh clone.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const VITEST = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs')

if (!existsSync(VITEST)) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const install = spawnSync(npm, ['install', '--no-audit', '--no-fund'], { cwd: ROOT, stdio: 'inherit' })
  if (install.status !== 0 || !existsSync(VITEST)) {
    console.error('test:unit: npm install failed, so vitest is not there to run the tests')
    process.exit(install.status || 1)
  }
}

// Unit tests reach nothing outside the process: whatever the shell points at is not theirs to use.
const env = { ...process.env, PYTHONDONTWRITEBYTECODE: '1' }
delete env.REDIS_URL
delete env.DOCKER_HOST

// Files in parallel: unit tests share no Docker engine or Redis, so the one-at-a-time rule of
// vitest.config.ts (for the Docker-backed tiers) has nothing to protect here. Two workers at
// least: vitest's default (cores - 1) is one worker on a 2-core machine, and the Python harness
// suite would then hold every other file up for its ten seconds.
// Not isolated: each worker imports fastify, typebox and the services once for all its files
// instead of once per file (most of the run's time otherwise). Safe because nothing here keeps
// state in a module (the style forbids mutable module singletons); each test builds its own app.
const workers = String(Math.max(2, availableParallelism()))
const run = spawnSync(process.execPath, [VITEST, 'run', 'test/unit', '--fileParallelism', '--no-isolate', `--maxWorkers=${workers}`, `--minWorkers=2`, ...process.argv.slice(2)],
  { cwd: ROOT, stdio: 'inherit', env })
if (run.error) {
  console.error(`test:unit: ${run.error.message}`)
  process.exit(1)
}
process.exit(run.status ?? 1)
