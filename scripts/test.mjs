// `npm test`: provision like `npm start` (with a throw-away Redis), then run the whole vitest
// suite: every test with the grader's defaults (the warm pool on), then the security suite again
// with the pool off (vitest.config.ts names both projects). One after the other, never at once:
// the Docker-backed files must not race each other's timeouts and limits on a small machine.
//
// Each pass also writes vitest's JSON report, and what failed in any pass is listed once more
// at the very end: a CI log is often read from its tail, and the first pass's failures would
// otherwise sit above the whole second pass.
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureChromium } from './lib/chromium.mjs'
import { ROOT, STATE_DIR, provision } from './lib/provision.mjs'
import { ensurePromtool } from './lib/promtool.mjs'
import { log } from './lib/system.mjs'

const PASSES = [
  ['--project', 'all'],
  // A filter naming no security file leaves this pass nothing to run: that is not a failure.
  ['--project', 'security, pool off', '--passWithNoTests'],
]

/**
 * Whether this run may include the browser tests (test/browser/): no filter, or a filter that
 * could name them. Only those runs install Chromium, which most focused runs never need.
 */
const runsBrowserTests = (filters) =>
  filters.length === 0 || filters.some(f => f.includes('browser') || 'test/browser/'.startsWith(f.replace(/^\.\//, '')))

if (runsBrowserTests(process.argv.slice(2).filter(a => !a.startsWith('-')))) {
  // without it only the browser tests fail (saying why), not the whole run
  try { ensureChromium() } catch (err) { log(`the browser tests will fail: ${err.message}`) }
}

let env
try {
  env = await provision({ redis: 'ephemeral' })
  // Test-only tools; `npm start` needs none of them.
  env.env.PROMTOOL = ensurePromtool(STATE_DIR)
} catch (err) {
  log(`cannot run the tests: ${err.message}`)
  process.exit(1)
}
let child
let stopping = false
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { stopping = true; child?.kill(sig) })

const reports = await mkdtemp(join(tmpdir(), 'grader-test-report-'))
const failures = []
for (const [i, pass] of PASSES.entries()) {
  if (stopping) break
  const report = join(reports, `pass-${i}.json`)
  const args = ['run', ...pass, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)]
  const code = await new Promise(resolve => {
    child = spawn(process.execPath, [`${ROOT}/node_modules/vitest/vitest.mjs`, ...args], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, ...env.env },
    })
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)))
  })
  if (code !== 0) failures.push(...await failedIn(report, pass[1], code))
}
await env.stop()
await rm(reports, { recursive: true, force: true })
if (failures.length > 0) {
  log(`npm test failed; what failed, pass by pass:`)
  for (const line of failures) console.log(line)
}
process.exit(failures.length > 0 || stopping ? 1 : 0)

/** One line per failed test (or file that failed outside a test), with its first message line. */
async function failedIn(report, project, code) {
  let json
  try {
    json = JSON.parse(await readFile(report, 'utf8'))
  } catch {
    return [`  [${project}] vitest exited ${code} without a report`]
  }
  const lines = []
  for (const file of json.testResults ?? []) {
    const name = file.name.startsWith(ROOT) ? file.name.slice(ROOT.length + 1) : file.name
    const failed = (file.assertionResults ?? []).filter(t => t.status === 'failed')
    for (const t of failed) lines.push(`  [${project}] ${name} > ${t.fullName}: ${firstLine(t.failureMessages?.[0])}`)
    if (failed.length === 0 && file.status === 'failed') lines.push(`  [${project}] ${name}: ${firstLine(file.message)}`)
  }
  return lines.length > 0 ? lines : [`  [${project}] vitest exited ${code}; its report names no failed test`]
}

function firstLine(text) {
  return String(text ?? '').split('\n').find(l => l.trim() !== '')?.trim().slice(0, 300) ?? ''
}
