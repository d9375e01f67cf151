// `npm run bench`: provision like `npm test` (Docker engine, the runtime image, a throw-away
// Redis for the graders the bench starts), then run bench/run-bench.ts with the arguments given
// (`--scenario exam` runs the exam peak of bench/exam/ instead of the default bench).
import { spawn } from 'node:child_process'
import { ROOT, provision } from './lib/provision.mjs'

const env = await provision({ redis: 'ephemeral' })
const child = spawn(process.execPath, ['--import', 'tsx', `${ROOT}/bench/run-bench.ts`, ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env.env } })
// Ctrl-C reaches the bench too (same process group); wait for it, then stop Redis.
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { child.kill(sig) })
child.on('exit', async (code) => { await env.stop(); process.exit(code ?? 1) })
