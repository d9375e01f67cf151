// `npm run bench:scaling`: provision like `npm test` (Docker engine, the runtime image, a
// throw-away Redis), then run bench/scaling/run-scaling.ts with the arguments given. Needs
// root: it starts extra dockerd engines and makes cgroups for their CPU shares.
import { spawn } from 'node:child_process'
import { ROOT, provision } from './lib/provision.mjs'

const env = await provision({ redis: 'ephemeral' })
const child = spawn(process.execPath, ['--import', 'tsx', `${ROOT}/bench/scaling/run-scaling.ts`, ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env.env } })
// Ctrl-C reaches the bench too (same process group); it stops its engines, then we stop Redis.
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { child.kill(sig) })
child.on('exit', async (code) => { await env.stop(); process.exit(code ?? 1) })
