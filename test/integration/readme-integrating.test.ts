// Runs the README's "Integrating" examples as written: shell blocks through `sh`, TypeScript
// blocks through tsx, against a grader of the test's own, with the environment the README
// tells the reader to export (GRADER_URL, GRADER_KEY, GRADER_WEBHOOK_SECRET, WEBHOOK_PORT, SUBMISSION_ID).
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestGrader, TEST_KEY, type TestGrader } from '../helpers/grader.js'

const ROOT = resolve(new URL('../..', import.meta.url).pathname)
const CLIENT_IMPORT = "'./clients/typescript/index.js'"
const EXPECTED = ['put-challenge', 'submit-curl', 'submit-client', 'stream-client', 'webhook-receiver', 'submit-callback', 'deliveries']

interface Example { lang: 'sh' | 'ts', code: string }

/** The README's marked blocks, by name: `<!-- example: NAME -->` right before a fenced block. */
function readExamples (): Map<string, Example> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const found = new Map<string, Example>()
  for (const [, name, lang, code] of readme.matchAll(/<!-- example: ([a-z0-9-]+) -->\n```(sh|ts)\n([\s\S]*?)\n```\n/g)) {
    expect(found.has(name!), `example ${name} appears twice`).toBe(false)
    found.set(name!, { lang: lang as Example['lang'], code: code! })
  }
  return found
}

/** A port free on loopback right now. */
async function freePort (): Promise<number> {
  return await new Promise((resolvePort, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => { resolvePort(port) })
    })
  })
}

const SECRET = `whsec_${randomBytes(32).toString('base64')}`

describe('README: Integrating', () => {
  const examples = readExamples()
  const scratch = mkdtempSync(join(tmpdir(), 'readme-examples-'))
  let grader: TestGrader
  let env: NodeJS.ProcessEnv
  const children: ChildProcess[] = []

  /** The command that runs an example: `sh -e` for shell, tsx for TypeScript (as an ES module, from a scratch folder). */
  function command (name: string): [string, string[]] {
    const example = examples.get(name)
    if (example === undefined) throw new Error(`the README has no example ${name}`)
    if (example.lang === 'sh') return ['sh', ['-ec', example.code]]
    // the one change: the client's import, relative to the repository in the README, made absolute
    expect(example.code).toContain(CLIENT_IMPORT)
    const file = join(scratch, `${name}.mts`)
    writeFileSync(file, example.code.replace(CLIENT_IMPORT, `'${join(ROOT, 'clients/typescript/index.js')}'`))
    return [process.execPath, ['--import', 'tsx', file]]
  }

  async function run (name: string, extra: Record<string, string> = {}): Promise<string> {
    const [cmd, args] = command(name)
    return await new Promise((resolveRun, reject) => {
      execFile(cmd, args, { cwd: ROOT, env: { ...env, ...extra }, timeout: 120_000 }, (err, stdout, stderr) => {
        if (err !== null) reject(new Error(`example ${name} failed: ${err.message}\n${stderr}`))
        else resolveRun(stdout)
      })
    })
  }

  beforeAll(async () => {
    grader = await startTestGrader({ GRADER_CALLBACK_ALLOW: '127.0.0.1', GRADER_WEBHOOK_SECRET: SECRET })
    env = { ...process.env, GRADER_URL: grader.url, GRADER_KEY: TEST_KEY, GRADER_WEBHOOK_SECRET: SECRET }
  })
  afterAll(async () => {
    for (const child of children) child.kill()
    await grader?.close()
    rmSync(scratch, { recursive: true, force: true })
  })

  it('marks every step of the walk-through as a runnable example', () => {
    expect([...examples.keys()]).toEqual(EXPECTED)
  })

  it('stores the challenge with curl', async () => {
    const answer = JSON.parse(await run('put-challenge')) as { id: string, version: string }
    expect(answer.id).toBe('two-sum')
    expect(answer.version).toMatch(/^[0-9a-f]{16}$/)
  })

  it('submits with curl and waits for the full score', async () => {
    const submission = JSON.parse(await run('submit-curl'))
    expect(submission.state).toBe('done')
    expect(submission.result).toMatchObject({ status: 'pass', score: 5, maxScore: 5 })
    expect(submission.result.tests.map((t: { points: number }) => t.points)).toEqual([2, 3])
  })

  it('submits with the client, prints the score and a student view without the hidden test\'s details', async () => {
    const [score, tests, ...rest] = (await run('submit-client')).trim().split('\n')
    expect(score).toBe('score 2 of 5')
    expect(rest).toEqual([])
    const seen = JSON.parse(tests!) as Array<Record<string, unknown>>
    expect(seen.find(t => t.name === 'test_solution.py::test_secret')).toEqual({ name: 'test_solution.py::test_secret', status: 'fail', points: 0 })
    // neither the expected value nor the assertion of the hidden test reaches the student
    expect(tests).not.toContain('[1, 2]')
    expect(tests).not.toContain('3, 2, 4')
  })

  it('streams the grading with the client until done', async () => {
    const lines = (await run('stream-client')).trim().split('\n')
    expect(lines.at(-1)).toBe('done fail')
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/^running test_solution\.py::test_(shown|secret)$/)
  })

  it('receives the webhook of a submission with a callbackUrl, verified, and refuses a forged one', async () => {
    const port = String(await freePort())
    const [cmd, args] = command('webhook-receiver')
    const receiver = spawn(cmd, args, { cwd: ROOT, env: { ...env, WEBHOOK_PORT: port }, stdio: ['ignore', 'pipe', 'inherit'] })
    children.push(receiver)
    let printed = ''
    const printedLine = async (pattern: RegExp, timeoutMs: number): Promise<string> => await new Promise((resolveLine, reject) => {
      const check = (): boolean => {
        const line = printed.split('\n').find(l => pattern.test(l))
        if (line === undefined) return false
        clearTimeout(timer)
        receiver.stdout!.off('data', onData)
        resolveLine(line)
        return true
      }
      const onData = (chunk: Buffer): void => { printed += chunk.toString('utf8'); check() }
      const timer = setTimeout(() => { receiver.stdout!.off('data', onData); reject(new Error(`the receiver did not print ${pattern} in ${timeoutMs} ms; it printed: ${printed}`)) }, timeoutMs)
      receiver.stdout!.on('data', onData)
      check()
    })

    // listening once it answers (a forged delivery: unsigned for this secret)
    const url = `http://127.0.0.1:${port}/grader-webhook`
    const forged = JSON.stringify({ type: 'submission.done', timestamp: new Date().toISOString(), data: { id: 'forged' } })
    const other = new Webhook(`whsec_${randomBytes(32).toString('base64')}`)
    const deadline = Date.now() + 30_000
    let status = 0
    while (status === 0 && Date.now() < deadline) {
      status = await fetch(url, {
        method: 'POST',
        body: forged,
        headers: { 'content-type': 'application/json', 'webhook-id': 'msg_forged', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': other.sign('msg_forged', new Date(), forged) },
      }).then(res => res.status, () => 0)
      if (status === 0) await new Promise(r => setTimeout(r, 100))
    }
    expect(status).toBe(401)
    await printedLine(/^refused:/, 5_000)

    const accepted = JSON.parse(await run('submit-callback', { WEBHOOK_PORT: port })) as { id: string, state: string }
    expect(accepted.state).toBe('queued')
    const line = await printedLine(/^verified /, 90_000)
    expect(line).toBe(`verified submission.done ${accepted.id} fail`)

    // the log may record the attempt just after the receiver answered it
    const deadlineLog = Date.now() + 10_000
    let log: { state: string, attempts: Array<{ statusCode?: number }> }
    do {
      log = JSON.parse(await run('deliveries', { SUBMISSION_ID: accepted.id }))
      if (log.state === 'delivered') break
      await new Promise(r => setTimeout(r, 100))
    } while (Date.now() < deadlineLog)
    expect(log.state).toBe('delivered')
    expect(log.attempts.map(a => a.statusCode)).toEqual([204])
  })
})
