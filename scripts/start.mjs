// `npm start`: provision what is missing, then run the API and a worker in one
// process on embedded defaults. Ctrl-C stops everything this script started.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, STATE_DIR, provision } from './lib/provision.mjs'
import { log, waitFor } from './lib/system.mjs'

/** The key printed for the user: GRADER_API_KEYS when set, else one generated once and kept in the state folder. */
function apiKeys () {
  if (process.env.GRADER_API_KEYS) return process.env.GRADER_API_KEYS
  const file = join(STATE_DIR, 'api-key')
  if (!existsSync(file)) {
    mkdirSync(STATE_DIR, { recursive: true })
    writeFileSync(file, `gk_${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 })
  }
  return readFileSync(file, 'utf8').trim()
}

let env
try {
  env = await provision({ redis: 'persistent' })
} catch (err) {
  log(`cannot start: ${err.message}`)
  process.exit(1)
}
const keys = apiKeys()
const host = process.env.HOST || '127.0.0.1'
const port = process.env.PORT || '8080'
const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'services/main.ts')], {
  cwd: ROOT,
  // An IPC channel besides the terminal: when this script dies without forwarding a
  // signal (killed, its terminal gone), the channel closes and the grader stops too.
  stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  env: { ...process.env, ...env.env, GRADER_API_KEYS: keys },
  // Its own process group: a terminal's Ctrl-C reaches this script only, which
  // forwards it once; a second copy would make the grader skip its clean stop.
  detached: true,
})

let stopping = false
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (stopping) return
    stopping = true
    child.kill(sig)
  })
}
child.on('exit', async (code, signal) => {
  await env.stop()
  process.exit(stopping ? 0 : (code ?? (signal ? 1 : 0)))
})

const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
waitFor('the grader', async () => {
  try { return (await fetch(`${url}/readyz`)).ok } catch { return false }
}, 60_000).then(() => {
  const shownKey = keys.split(',')[0]
  process.stderr.write(`\n  grader ready at ${url}\n  API key: ${shownKey}\n\n` +
    `  try: curl -s -H 'Authorization: Bearer ${shownKey}' -H 'Content-Type: application/json' \\\n` +
    `         -d '{"language":"python","files":{"solution.py":"def add(a, b):\\n    return a + b\\n"},"tests":{"test_solution.py":"from solution import add\\n\\ndef test_add():\\n    assert add(2, 3) == 5\\n"}}' \\\n` +
    `         '${url}/v1/submissions?wait=true'\n\n`)
}, (err) => log(err.message))
