// The ops console in a real browser: Debian's Chromium, driven by playwright-core, against a
// whole grader (API + worker) whose pool is two extra dockerd engines on this machine. One
// engine is frozen with SIGSTOP, as a wedged daemon is, and the page must show what the pool
// does about it. Screenshots go to docs/images/ (the README shows them). Every wait is bounded.
import { mkdirSync } from 'node:fs'
import { connect, createServer, type AddressInfo, type Socket } from 'node:net'
import { fileURLToPath } from 'node:url'
import Docker from 'dockerode'
import { Redis } from 'ioredis'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dockerOptions, hostId } from '../../services/hostpool/docker-endpoint.js'
import { ADD_TESTS } from '../fixtures/python/add.js'
import { RECYCLE_COMMAND, startDockerd, type ExtraDockerd } from '../helpers/dockerd.js'
import { python, startTestGrader, type TestGrader } from '../helpers/grader.js'
import { launchChromium, type TestBrowser } from './browser.js'

const ADMIN_KEY = 'browser-test-admin-key'
const SCREENSHOTS = fileURLToPath(new URL('../../docs/images/', import.meta.url))

/**
 * Fast probes, so a wedge is seen in about two seconds; a grace of 6 s before the recycle,
 * so the unhealthy state lasts past two of the worker's 2 s heartbeats and the page (which
 * sees what the heartbeats publish) cannot miss it.
 */
const POOL = {
  GRADER_PROBE_INTERVAL_MS: '300',
  GRADER_PROBE_TIMEOUT_MS: '700',
  GRADER_HOST_UNHEALTHY_AFTER: '2',
  GRADER_HOST_RECOVER_AFTER: '2',
  GRADER_HOST_GRACE_MS: '6000',
  GRADER_RECYCLE_BACKOFF_MS: '1000',
  GRADER_ATTEMPTS: '5',
  // a busy machine must not make a host "degraded": not what this tests
  GRADER_HOST_DEGRADED_MS: '5000',
  GRADER_HOST_CONCURRENCY: '1',
  GRADER_INTERACTIVE_SLOTS: '0',
  GRADER_ADMIN_KEYS: ADMIN_KEY,
  // A real daemon restart takes seconds; these engines come back in about one, less than the
  // page's sampling. The pause makes the recycle last past two heartbeats so it is seen.
  GRADER_RECYCLE_COMMAND: `sleep 5 && node ${RECYCLE_COMMAND}`,
}

/** Where the extra engines copy their images from: the run's own engine when DOCKER_HOSTS names one. */
function imageSource (): Docker | undefined {
  const first = process.env.DOCKER_HOSTS?.split(',').map(e => e.trim()).find(Boolean)
  return first === undefined ? undefined : new Docker(dockerOptions(first))
}

async function until (what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<number> {
  const started = Date.now()
  for (;;) {
    if (await check()) return Date.now() - started
    if (Date.now() - started > timeoutMs) throw new Error(`${what} did not happen within ${timeoutMs} ms`)
    await new Promise(resolve => setTimeout(resolve, everyMs))
  }
}

/** Waits until a locator's text matches, and returns the text. */
async function untilText (locator: Locator, pattern: RegExp, timeoutMs: number): Promise<string> {
  let text = ''
  await until(`text matching ${pattern}`, async () => pattern.test(text = (await locator.textContent({ timeout: 1000 }).catch(() => null)) ?? ''), timeoutMs).catch((err: Error) => {
    throw new Error(`${err.message}; last text: ${JSON.stringify(text)}`)
  })
  return text
}

/** A TCP relay from a free port to `targetPort` on loopback, which a test can cut and restore. */
async function startRelay (targetPort: string): Promise<{ port: number, cut: () => Promise<void>, restore: () => Promise<void>, close: () => Promise<void> }> {
  const sockets = new Set<Socket>()
  const server = createServer(client => {
    const upstream = connect(Number(targetPort), '127.0.0.1')
    for (const s of [client, upstream]) { sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => {}) }
    client.pipe(upstream).pipe(client)
  })
  const listen = async (port: number) => { await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve)) }
  await listen(0)
  const port = (server.address() as AddressInfo).port
  const cut = async () => {
    const closed = new Promise<void>(resolve => server.close(() => { resolve() }))
    for (const s of sockets) s.destroy()
    await closed
  }
  return { port, cut, restore: async () => { await listen(port) }, close: async () => { if (server.listening) await cut() } }
}

const sleepy = (seconds: number) => `import time\n\ndef add(a, b):\n    time.sleep(${seconds})\n    return a + b\n`

let a: ExtraDockerd
let b: ExtraDockerd
let grader: TestGrader
let chromium: TestBrowser
let page: Page
let idA: string
let idB: string

beforeAll(async () => {
  const source = imageSource();
  [a, b] = await Promise.all([startDockerd('ops-a', { source }), startDockerd('ops-b', { source })])
  idA = hostId(a.endpoint)
  idB = hostId(b.endpoint)
  grader = await startTestGrader({ ...POOL, DOCKER_HOSTS: `${a.endpoint},${b.endpoint}` })
  chromium = await launchChromium()
  page = await chromium.context.newPage()
  mkdirSync(SCREENSHOTS, { recursive: true })
}, 300_000)
afterAll(async () => {
  await chromium?.close()
  await grader?.close()
  await Promise.all([a?.stop(), b?.stop()])
})

/** The state the page shows in a host's row, or null when the row is not there. */
const rowState = async (id: string): Promise<string | null> =>
  await page.locator(`#hosts tr[data-host="${id}"] .state`).textContent({ timeout: 1000 }).catch(() => null)

/** A number the queue panel shows (`data-key` of its value). */
const queueValue = async (key: string): Promise<number> => Number(await page.locator(`#queue dd[data-key="${key}"]`).textContent({ timeout: 1000 }))

/** Gradings the page counts in its "Total" column. */
const gradedTotal = async (): Promise<number> => await page.locator('#graded tbody tr').evaluateAll(rows =>
  rows.reduce((n, row) => n + (Number(row.lastElementChild?.textContent) || 0), 0))

async function hostsOfApi (): Promise<Array<{ id: string, draining: boolean, state: string }>> {
  const res = await grader.request('/v1/hosts', { key: ADMIN_KEY })
  expect(res.status).toBe(200)
  return (await res.json() as { hosts: Array<{ id: string, draining: boolean, state: string }> }).hosts
}

describe('the ops console in Chromium', () => {
  it('shows the login form without a key, and no data', async () => {
    const res = await page.goto(`${grader.url}/ops`)
    expect(res?.status()).toBe(200)
    await page.getByLabel('Admin key').waitFor({ state: 'visible', timeout: 10_000 })
    expect(await page.locator('#hosts').count()).toBe(0)
    const content = await page.content()
    expect(content).not.toContain(idA)
    expect(content).not.toContain(idB)
    // and the data routes refuse the page: there is no session yet
    const status = await page.evaluate(async () => (await fetch('/ops/snapshot')).status)
    expect(status).toBe(401)
    await page.screenshot({ path: `${SCREENSHOTS}ops-login.png` })
  })

  it('refuses a wrong key and stays on the form', async () => {
    await page.getByLabel('Admin key').fill('not-the-key')
    await page.getByRole('button', { name: 'Log in' }).click()
    await untilText(page.getByRole('alert'), /Wrong key/, 10_000)
    expect(await page.locator('#hosts').count()).toBe(0)
    // a non-admin key (the grader's API key) is refused too
    await page.getByLabel('Admin key').fill('integration-test-key')
    await page.getByRole('button', { name: 'Log in' }).click()
    await untilText(page.getByRole('alert'), /not an admin key/, 10_000)
    expect(await page.locator('#hosts').count()).toBe(0)
    expect(page.url()).toBe(`${grader.url}/ops`)
  })

  it('logs in with the admin key, which never appears in the address, and shows both hosts healthy', async () => {
    await page.getByLabel('Admin key').fill(ADMIN_KEY)
    // the keyboard is enough: Enter submits the form
    await page.getByLabel('Admin key').press('Enter')
    await page.waitForSelector('#hosts', { timeout: 10_000 })
    expect(page.url()).toBe(`${grader.url}/ops`)
    expect(page.url()).not.toContain(ADMIN_KEY)
    // the script cannot read the session: the cookie is HttpOnly
    expect(await page.evaluate(() => document.cookie)).not.toContain(ADMIN_KEY)
    await until('both rows say healthy', async () => await rowState(idA) === 'healthy' && await rowState(idB) === 'healthy', 60_000, 250)
    expect(await page.locator('#live').getAttribute('data-state')).toBe('live')
    await page.screenshot({ path: `${SCREENSHOTS}ops-console.png`, fullPage: true })
  })

  it('drains a host through the page, as GET /v1/hosts then says, and undrains it', async () => {
    await page.getByRole('button', { name: `Drain ${idA}` }).click()
    await untilText(page.locator('#control-status'), new RegExp(`Drain ${idA}: applied`), 15_000)
    expect((await hostsOfApi()).find(h => h.id === idA)?.draining).toBe(true)
    await untilText(page.locator(`#hosts tr[data-host="${idA}"] td`).nth(1), /^yes/, 5000)
    await page.screenshot({ path: `${SCREENSHOTS}ops-drained.png`, fullPage: true })

    await page.getByRole('button', { name: `Undrain ${idA}` }).click()
    await untilText(page.locator('#control-status'), new RegExp(`Undrain ${idA}: applied`), 15_000)
    expect((await hostsOfApi()).find(h => h.id === idA)?.draining).toBe(false)
  })

  it('changes a host\'s concurrency through the editor, and asks before a recycle (cancel sends nothing)', async () => {
    const editor = page.getByLabel(`Concurrency of ${idA}`, { exact: true })
    await editor.fill('2')
    await editor.press('Enter')
    await untilText(page.locator('#control-status'), new RegExp(`Concurrency 2 for ${idA}: applied`), 15_000)
    expect((await hostsOfApi()).find(h => h.id === idA)).toMatchObject({ concurrency: 2 })

    await page.getByRole('button', { name: `Recycle ${idA}` }).click()
    const dialog = page.getByRole('dialog')
    await dialog.waitFor({ state: 'visible', timeout: 5000 })
    await page.getByRole('button', { name: 'Cancel' }).click()
    await untilText(page.locator('#control-status'), new RegExp(`Recycle ${idA}: cancelled`), 5000)
    expect(await dialog.isVisible()).toBe(false)

    await editor.fill('1')
    await page.getByRole('button', { name: `Set concurrency of ${idA}` }).click()
    await untilText(page.locator('#control-status'), new RegExp(`Concurrency 1 for ${idA}: applied`), 15_000)
    expect((await hostsOfApi()).find(h => h.id === idA)).toMatchObject({ concurrency: 1, lastRecycleAt: null })
  })

  it('opens bull-board\'s job view under /ops/queues with the same session, and refuses it without one', async () => {
    const board = await chromium.context.newPage()
    try {
      const res = await board.goto(`${grader.url}/ops/queues`)
      expect(res?.status()).toBe(200)
      await board.getByText('grading').first().waitFor({ state: 'visible', timeout: 20_000 })
    } finally {
      await board.close()
    }
    const bare = await fetch(`${grader.url}/ops/queues`)
    expect(bare.status).toBe(401)
  })

  it('shows the queue counts move while submissions run', async () => {
    const before = await gradedTotal()
    const ids: string[] = []
    for (let i = 0; i < 6; i++) {
      const res = await grader.request('/v1/submissions', { method: 'POST', body: JSON.stringify(python(sleepy(1.5), ADD_TESTS)) })
      expect(res.status).toBe(202)
      ids.push((await res.json() as { id: string }).id)
    }
    // two slots for six runs of 1.5 s: jobs wait and run for several seconds, across snapshots
    let busiest = 0
    await until('the page shows jobs waiting or running', async () => {
      const busy = await queueValue('fair') + await queueValue('waiting') + await queueValue('active')
      busiest = Math.max(busiest, busy)
      return busy > 0
    }, 20_000, 200)
    await page.screenshot({ path: `${SCREENSHOTS}ops-queue.png`, fullPage: true })
    await until('the page counts the six gradings', async () => await gradedTotal() >= before + 6, 90_000, 250)
    await until('the queue drains on the page', async () => await queueValue('fair') + await queueValue('waiting') + await queueValue('active') === 0, 20_000, 250)
    expect(busiest).toBeGreaterThan(0)
  })

  it('keeps its data, marked stale, while the stream is gone, and goes live again when it is back', async () => {
    // a second page reaches the grader through a TCP relay the test can cut, as a proxy or a
    // restarting API would; the login session is the same (cookies are per host, not per port)
    const relay = await startRelay(new URL(grader.url).port)
    const second = await chromium.context.newPage()
    try {
      await second.goto(`http://127.0.0.1:${relay.port}/ops`)
      await untilText(second.locator('#live'), /^Live/, 15_000)
      await untilText(second.locator(`#hosts tr[data-host="${idA}"] .state`), /^healthy$/, 10_000)
      await relay.cut()
      await untilText(second.locator('#live'), /stale/, 15_000)
      expect(await second.locator('#live').getAttribute('data-state')).toBe('stale')
      // the last data stays on the page
      expect(await second.locator(`#hosts tr[data-host="${idA}"] .state`).textContent()).toBe('healthy')
      await relay.restore()
      await untilText(second.locator('#live'), /^Live/, 30_000)
    } finally {
      await second.close()
      await relay.close()
    }
  })

  it('keeps its data, marked stale, while Redis does not answer, and goes live again after', async () => {
    await untilText(page.locator('#live'), /^Live/, 10_000)
    const redis = new Redis(grader.config.redisUrl)
    try {
      // every client of this run's Redis waits (the API's reads time out): Redis is away, as far as anyone can tell
      await redis.call('CLIENT', 'PAUSE', '8000', 'ALL')
      await untilText(page.locator('#live'), /cannot read Redis/, 10_000)
      expect(await page.locator('body').getAttribute('class')).toContain('stale')
      expect(await rowState(idA)).toBe('healthy')
      await page.screenshot({ path: `${SCREENSHOTS}ops-stale.png`, fullPage: true })
    } finally {
      await redis.call('CLIENT', 'UNPAUSE').catch(() => {})
      await redis.quit()
    }
    await untilText(page.locator('#live'), /^Live/, 20_000)
  })

  it('shows a frozen daemon turn unhealthy, then recycling, then healthy again', async () => {
    // every state the row shows, in order: each wait below looks at the row and records it
    const seen: string[] = []
    const observe = async (): Promise<string | null> => {
      const state = await rowState(idB)
      if (state !== null && seen.at(-1) !== state) seen.push(state)
      return state
    }
    b.pause()
    await until('the row turns unhealthy', async () => await observe() === 'unhealthy', 20_000)
    await page.screenshot({ path: `${SCREENSHOTS}ops-unhealthy.png`, fullPage: true })
    await until('the row turns recycling', async () => await observe() === 'recycling', 30_000)
    await page.screenshot({ path: `${SCREENSHOTS}ops-recycling.png`, fullPage: true })
    // the recycle kills the frozen dockerd and starts it again: bounded by the recycle timeout the pool itself uses
    await until('the row is healthy again', async () => await observe() === 'healthy', 120_000)
    expect(seen.slice(seen.indexOf('unhealthy'))).toEqual(['unhealthy', 'recycling', 'healthy'])
    expect(await page.locator(`#hosts tr[data-host="${idB}"] td`).nth(7).textContent()).not.toBe('never')
  })
})
