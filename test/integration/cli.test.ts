// The `grader` CLI against a real API on a loopback port and real Redis: the
// bin entry as a child process (as an operator runs it), and runCli in-process
// for the finer cases.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { Redis } from 'ioredis'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli } from '../../services/cli/grader-cli.js'
import { formatHostsTable } from '../../services/cli/hosts-table.js'
import { ADMIN_KEY, API_KEY, buildTestApp, hostView, redisUrl, type TestApp } from './api/build-test-app.js'

const ROOT = new URL('../..', import.meta.url).pathname

let t: TestApp
let url: string
/** Whether `t` is open: the table tests start no app. */
let started = false

async function start (env: Record<string, string> = {}): Promise<void> {
  t = await buildTestApp(env)
  started = true
  url = await t.app.listen({ host: '127.0.0.1', port: 0 })
  await t.deps.hosts.publishViews('worker-a', [
    hostView({ id: 'dock-1', inFlight: 1, latencyMs: { p50: 12.4, p95: 40 }, lastRecycleAt: '2030-01-02T03:04:05.678Z' }),
  ])
  await t.deps.hosts.publishViews('worker-b', [
    hostView({ id: 'dock-2', worker: 'worker-b', state: 'unhealthy', draining: true, concurrency: 3, inFlight: 0, latencyMs: { p50: null, p95: null } }),
  ])
}

afterEach(async () => {
  if (!started) return
  started = false
  await t.close()
})

interface Run { code: number | null, stdout: string, stderr: string }

/** Runs a command line to its end, with output captured. */
async function run (command: string, args: string[], env: Record<string, string>): Promise<Run> {
  // GRADER_STATE_DIR points at nothing, so a developer's .state/api-key never leaks in
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, GRADER_STATE_DIR: join(tmpdir(), 'grader-cli-no-state'), ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8') })
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8') })
  const [code] = await once(child, 'close') as [number | null]
  return { code, stdout, stderr }
}

/** The `grader` bin entry as a child process. */
const grader = async (args: string[], env: Record<string, string> = {}): Promise<Run> =>
  await run(process.execPath, [join(ROOT, 'bin/grader.mjs'), ...args], { GRADER_URL: url, GRADER_API_KEY: API_KEY, ...env })

/** runCli in this process, with output captured. */
async function cli (args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(args, {
    env: { GRADER_URL: url, GRADER_API_KEY: API_KEY, GRADER_STATE_DIR: join(tmpdir(), 'grader-cli-no-state'), ...env },
    stdout: { write: (s: string) => { stdout += s; return true } },
    stderr: { write: (s: string) => { stderr += s; return true } },
  })
  return { code, stdout, stderr }
}

/** The cells of each table line (columns are separated by two spaces or more). */
const cells = (table: string): string[][] => table.trimEnd().split('\n').map(line => line.split(/ {2,}/))

describe('grader CLI as a child process', () => {
  beforeEach(async () => { await start() })

  it('prints every host as a table with `hosts list`', async () => {
    const { code, stdout, stderr } = await grader(['hosts', 'list'])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(cells(stdout)).toEqual([
      ['ID', 'STATE', 'DRAINING', 'CONCURRENCY', 'IN FLIGHT', 'P50', 'P95', 'WORKER', 'LAST RECYCLE'],
      ['dock-1', 'healthy', 'no', '2', '1', '12 ms', '40 ms', 'worker-a', '2030-01-02T03:04:05Z'],
      ['dock-2', 'unhealthy', 'yes', '3', '0', '-', '-', 'worker-b', 'never'],
    ])
  })

  it('drains a host with `hosts drain <id>`: the control is set in Redis', async () => {
    const { code, stdout } = await grader(['hosts', 'drain', 'dock-1'])
    expect(code).toBe(0)
    expect(stdout).toContain('dock-1: drain requested')
    expect(await t.deps.hosts.controls()).toEqual({ 'dock-1': { draining: true } })
  })

  it('prints the API\'s answer as JSON with --json', async () => {
    const { code, stdout } = await grader(['hosts', 'list', '--json'])
    expect(code).toBe(0)
    const answer = JSON.parse(stdout) as { hosts: Array<{ id: string, control: unknown }> }
    expect(answer.hosts.map(h => h.id)).toEqual(['dock-1', 'dock-2'])
    expect(answer.hosts[0]?.control).toEqual({})
  })

  it('prints the API\'s message and exits 1 for a host no worker reports', async () => {
    const { code, stdout, stderr } = await grader(['hosts', 'drain', 'dock-9'])
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toContain('no host with id "dock-9"')
    expect(stderr).toContain('not_found, HTTP 404')
    expect(await t.deps.hosts.controls()).toEqual({})
  })

  it('prints the API\'s refusal and exits 1 when the key is wrong', async () => {
    const { code, stderr } = await grader(['hosts', 'list'], { GRADER_API_KEY: 'not-a-key' })
    expect(code).toBe(1)
    expect(stderr).toContain('missing or wrong API key')
    expect(stderr).toContain('unauthorized, HTTP 401')
  })

  it('exits 2 with the usage for an unknown command', async () => {
    const { code, stderr } = await grader(['hosts', 'explode', 'dock-1'])
    expect(code).toBe(2)
    expect(stderr).toContain('unknown hosts command "explode"')
    expect(stderr).toContain('usage: grader <hosts|tenants|keys>')
  })

  it('runs as `npm run grader -- hosts list`', async () => {
    const { code, stdout } = await run('npm', ['run', '--silent', 'grader', '--', 'hosts', 'list'], { GRADER_URL: url, GRADER_API_KEY: API_KEY })
    expect(code).toBe(0)
    expect(stdout).toMatch(/^dock-2 +unhealthy +yes/m)
  })
})

describe('grader CLI commands', () => {
  beforeEach(async () => { await start() })

  it('undrains a host and keeps its other controls', async () => {
    await t.deps.hosts.setControl('dock-2', { draining: true, concurrency: 5 })
    const { code, stdout } = await cli(['hosts', 'undrain', 'dock-2'])
    expect(code).toBe(0)
    expect(stdout).toBe('dock-2: undrain requested; the host takes work again\n')
    expect((await t.deps.hosts.controls())['dock-2']).toEqual({ draining: false, concurrency: 5 })
  })

  it('sets a host\'s concurrency with `hosts set <id> --concurrency N`', async () => {
    const { code, stdout } = await cli(['hosts', 'set', 'dock-1', '--concurrency', '6'])
    expect(code).toBe(0)
    expect(stdout).toBe('dock-1: concurrency 6 requested\n')
    expect((await t.deps.hosts.controls())['dock-1']).toEqual({ concurrency: 6 })
  })

  it('prints the API\'s validation message for a concurrency out of range', async () => {
    const { code, stderr } = await cli(['hosts', 'set', 'dock-1', '--concurrency', '300'])
    expect(code).toBe(1)
    expect(stderr).toContain('body/concurrency must be <= 256')
    expect(stderr).toContain('invalid_request, HTTP 400')
    expect(await t.deps.hosts.controls()).toEqual({})
  })

  it.each([
    ['a concurrency that is not a whole number', ['hosts', 'set', 'dock-1', '--concurrency', 'lots'], '--concurrency must be a whole number'],
    ['set without --concurrency', ['hosts', 'set', 'dock-1'], 'needs --concurrency'],
    ['drain without an id', ['hosts', 'drain'], 'needs a host id'],
    ['an unknown option', ['hosts', 'list', '--colour'], "Unknown option '--colour'"],
    ['an extra argument', ['hosts', 'recycle', 'dock-1', 'dock-2'], 'unexpected argument "dock-2"'],
    ['an unknown area', ['queues', 'list'], 'unknown command "queues"'],
  ])('exits 2 and says what is wrong for %s', async (_what, args, message) => {
    const { code, stderr } = await cli(args)
    expect(code).toBe(2)
    expect(stderr).toContain(message)
  })

  it('sends a recycle command with `hosts recycle <id>`', async () => {
    const listener = new Redis(redisUrl())
    try {
      await listener.subscribe(t.deps.hosts.channel)
      const announced = once(listener, 'message')
      const { code, stdout } = await cli(['hosts', 'recycle', 'dock-1', '--json'])
      expect(code).toBe(0)
      expect(JSON.parse(stdout)).toEqual({ id: 'dock-1', action: 'recycle' })
      const [, message] = await announced as [string, string]
      expect(JSON.parse(message)).toEqual({ hostId: 'dock-1', action: 'recycle' })
    } finally {
      await listener.quit()
    }
  })

  it('reads the key npm start keeps in the state folder when GRADER_API_KEY is unset', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'grader-cli-state-'))
    try {
      writeFileSync(join(dir, 'api-key'), `${API_KEY}\n`)
      const { code, stdout } = await cli(['hosts', 'list'], { GRADER_API_KEY: undefined, GRADER_STATE_DIR: dir })
      expect(code).toBe(0)
      expect(stdout).toContain('dock-1')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('hints at GRADER_API_KEY when it has no key at all', async () => {
    const { code, stderr } = await cli(['hosts', 'list'], { GRADER_API_KEY: undefined })
    expect(code).toBe(1)
    expect(stderr).toContain('no key found: set GRADER_API_KEY')
  })

  it('takes the API address from --url over GRADER_URL', async () => {
    const { code, stdout } = await cli(['hosts', 'list', '--url', url], { GRADER_URL: 'http://127.0.0.1:1' })
    expect(code).toBe(0)
    expect(stdout).toContain('dock-1')
  })

  it('says it cannot reach the grader and exits 1 when nothing listens', async () => {
    const { code, stderr } = await cli(['hosts', 'list'], { GRADER_URL: 'http://127.0.0.1:1' })
    expect(code).toBe(1)
    expect(stderr).toContain('cannot reach the grader at http://127.0.0.1:1')
  })

  it('prints help on stdout and exits 0 with --help', async () => {
    const { code, stdout } = await cli(['--help'])
    expect(code).toBe(0)
    expect(stdout).toContain('hosts set <id> --concurrency <n>')
  })
})

describe('grader CLI with admin keys', () => {
  beforeEach(async () => { await start({ GRADER_ADMIN_KEYS: ADMIN_KEY }) })

  it('prints the 403 of a key that is not an admin key', async () => {
    const { code, stderr } = await cli(['hosts', 'drain', 'dock-1'])
    expect(code).toBe(1)
    expect(stderr).toContain('needs an admin key')
    expect(stderr).toContain('forbidden, HTTP 403')
    expect(await t.deps.hosts.controls()).toEqual({})
  })

  it('drains with an admin key', async () => {
    const { code } = await cli(['hosts', 'drain', 'dock-1'], { GRADER_API_KEY: ADMIN_KEY })
    expect(code).toBe(0)
    expect(await t.deps.hosts.controls()).toEqual({ 'dock-1': { draining: true } })
  })
})

describe('grader CLI tenants and keys', () => {
  beforeEach(async () => { await start({ GRADER_ADMIN_KEYS: ADMIN_KEY }) })
  const asAdmin = { GRADER_API_KEY: ADMIN_KEY }

  it('creates a tenant, makes it a key that works, lists and revokes it', async () => {
    const created = await cli(['tenants', 'create', 'Course A', '--weight', '3', '--per-minute', '120', '--json'], asAdmin)
    expect(created.code).toBe(0)
    const tenant = JSON.parse(created.stdout) as { id: string, weight: number, rateLimit: { perMinute: number }, webhookSecret: string }
    expect(tenant).toMatchObject({ weight: 3, rateLimit: { perMinute: 120 }, webhookSecret: expect.stringMatching(/^whsec_/) })

    const made = await cli(['keys', 'create', tenant.id, '--roles', 'submit,read', '--lanes', 'exam', '--label', 'lms'], asAdmin)
    expect(made.code).toBe(0)
    const key = made.stdout.trim().split('\n').at(-1)!
    expect(key).toMatch(/^gk_/)
    // the key printed works, as that tenant's: the bootstrap tenant's hosts are not its business
    const hosts = await cli(['hosts', 'list'], { GRADER_API_KEY: key })
    expect(hosts.code).toBe(1)
    expect(hosts.stderr).toContain('HTTP 403')

    const listed = await cli(['keys', 'list', tenant.id], asAdmin)
    expect(listed.code).toBe(0)
    expect(listed.stdout).toContain('submit,read')
    expect(listed.stdout).toContain('exam')
    expect(listed.stdout).not.toContain(key)
    const keyId = listed.stdout.split('\t')[0]!

    expect((await cli(['keys', 'delete', keyId], asAdmin)).code).toBe(0)
    const after = await cli(['hosts', 'list'], { GRADER_API_KEY: key })
    expect(after.stderr).toContain('HTTP 401')
  })

  it("prints the API's 400 for a role it does not know, and exits 1", async () => {
    const tenant = JSON.parse((await cli(['tenants', 'create', 'B', '--json'], asAdmin)).stdout) as { id: string }
    const res = await cli(['keys', 'create', tenant.id, '--roles', 'superuser'], asAdmin)
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('invalid_request, HTTP 400')
  })

  it('refuses to create a tenant with a key that is not an admin of the grader', async () => {
    const res = await cli(['tenants', 'create', 'sneaky'])
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('forbidden, HTTP 403')
  })

  it('exits 2 for keys create without --roles', async () => {
    const res = await cli(['keys', 'create', 't_x'], asAdmin)
    expect(res.code).toBe(2)
    expect(res.stderr).toContain('--roles')
  })
})

describe('formatHostsTable', () => {
  it('shows a control the worker has not applied yet as "now -> asked", with a note', () => {
    const table = formatHostsTable([{ ...hostView({ draining: false, concurrency: 2 }), control: { draining: true, concurrency: 4 } }])
    expect(cells(table)[1]?.slice(0, 4)).toEqual(['dock-1', 'healthy', 'no -> yes', '2 -> 4'])
    expect(table).toContain('asked by ops, not yet applied')
  })

  it('shows an applied control as the plain value, without a note', () => {
    const table = formatHostsTable([{ ...hostView({ draining: true, concurrency: 4 }), control: { draining: true, concurrency: 4 } }])
    expect(cells(table)[1]?.slice(0, 4)).toEqual(['dock-1', 'healthy', 'yes', '4'])
    expect(table).not.toContain('asked by ops')
  })

  it('says so when there is no host', () => {
    expect(formatHostsTable([])).toBe('no hosts: no live worker is publishing any\n')
  })
})

describe('services/cli', () => {
  it('imports only from services/shared', () => {
    const dir = join(ROOT, 'services/cli')
    const offending: string[] = []
    for (const name of readdirSync(dir).filter(n => n.endsWith('.ts'))) {
      for (const [, spec] of readFileSync(join(dir, name), 'utf8').matchAll(/from '(\.[^']+)'/g)) {
        const target = relative(join(ROOT, 'services'), resolve(dirname(join(dir, name)), spec!)).split('/')[0]
        if (target !== 'cli' && target !== 'shared') offending.push(`${name} → ${spec!}`)
      }
    }
    expect(offending).toEqual([])
  })
})
