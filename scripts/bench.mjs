// `npm run bench`: provision like `npm test`, then run the benchmarks with a throw-away Redis.
import { spawn } from 'node:child_process'
import { ROOT, provision } from './lib/provision.mjs'

const env = await provision({ redis: 'ephemeral' })
const child = spawn(process.execPath, ['--import', 'tsx', `${ROOT}/bench/grading.bench.ts`], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env.env } })
child.on('exit', async (code) => { await env.stop(); process.exit(code ?? 1) })
