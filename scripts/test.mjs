// `npm test`: provision like `npm start` (with a throw-away Redis), then run the whole vitest
// suite: every test with the grader's defaults (the warm pool on), then the security suite again
// with the pool off (vitest.config.ts names both projects). One after the other, never at once:
// the Docker-backed files must not race each other's timeouts and limits on a small machine.
import { spawn } from 'node:child_process'
import { ROOT, provision } from './lib/provision.mjs'
import { log } from './lib/system.mjs'

const PASSES = [
  ['--project', 'all'],
  // A filter naming no security file leaves this pass nothing to run: that is not a failure.
  ['--project', 'security, pool off', '--passWithNoTests'],
]

let env
try {
  env = await provision({ redis: 'ephemeral' })
} catch (err) {
  log(`cannot run the tests: ${err.message}`)
  process.exit(1)
}
let child
let stopping = false
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { stopping = true; child?.kill(sig) })

let failed = false
for (const pass of PASSES) {
  if (stopping) break
  const code = await new Promise(resolve => {
    child = spawn(process.execPath, [`${ROOT}/node_modules/vitest/vitest.mjs`, 'run', ...pass, ...process.argv.slice(2)], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, ...env.env },
    })
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)))
  })
  if (code !== 0) failed = true
}
await env.stop()
process.exit(failed || stopping ? 1 : 0)
