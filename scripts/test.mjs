// `npm test`: provision like `npm start` (with a throw-away Redis), then run the whole vitest suite.
import { spawn } from 'node:child_process'
import { ROOT, provision } from './lib/provision.mjs'
import { log } from './lib/system.mjs'

let env
try {
  env = await provision({ redis: 'ephemeral' })
} catch (err) {
  log(`cannot run the tests: ${err.message}`)
  process.exit(1)
}
const child = spawn(process.execPath, [`${ROOT}/node_modules/vitest/vitest.mjs`, 'run', ...process.argv.slice(2)], {
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, ...env.env },
})
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
child.on('exit', async (code, signal) => {
  await env.stop()
  process.exit(code ?? (signal ? 1 : 0))
})
