// /healthz and /readyz answer without a key (load balancers and orchestrators hold none), so
// they must not say where the Docker hosts are or which workers run: counts only, even when
// workers and hosts are published. Real Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, hostView, type TestApp } from './build-test-app.js'

const WORKER = 'worker-on-grader-box-7'
const HOSTS = [
  hostView({ id: 'dock-exam-hall', endpoint: 'tcp://10.20.30.40:2376', worker: WORKER }),
  hostView({ id: 'dock-local', endpoint: 'unix:///var/run/docker.sock', worker: WORKER, state: 'unhealthy' }),
]
/** What a probe body must never hold: host ids and endpoints, the worker id, any endpoint scheme. */
const SECRETS = [WORKER, ...HOSTS.flatMap(h => [h.id, h.endpoint]), '10.20.30.40', 'unix://', 'tcp://', 'ssh://', 'docker.sock']

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp()
  await t.deps.hosts.publishViews(WORKER, HOSTS)
})
afterAll(async () => { await t?.close() })

async function probeBodies (): Promise<Record<string, { status: number, body: string }>> {
  const out: Record<string, { status: number, body: string }> = {}
  for (const url of ['/healthz', '/readyz']) {
    const res = await t.app.inject({ method: 'GET', url })
    out[url] = { status: res.statusCode, body: res.body }
  }
  return out
}

describe('probes without host details', () => {
  it('names no host, endpoint or worker when ready', async () => {
    await t.deps.registry.publish({ workerId: WORKER, languages: ['python'], usableHosts: 1 })
    const probes = await probeBodies()
    expect(probes['/healthz']!.status).toBe(200)
    expect(probes['/readyz']!.status).toBe(200)
    // the counts are there: the check that nothing else is must not pass on an empty body
    expect(JSON.parse(probes['/readyz']!.body)).toEqual({ status: 'ready', checks: { redis: { ok: true }, workers: { ok: true, live: 1, usableHosts: 1 } } })
    for (const [url, { body }] of Object.entries(probes)) for (const secret of SECRETS) expect(body, `${url} shows ${secret}`).not.toContain(secret)
  })

  it('names no host, endpoint or worker when not ready either', async () => {
    await t.deps.registry.publish({ workerId: WORKER, languages: ['python'], usableHosts: 0 })
    const probes = await probeBodies()
    expect(probes['/readyz']!.status).toBe(503)
    expect(JSON.parse(probes['/readyz']!.body).checks.workers).toEqual({ ok: false, live: 1, usableHosts: 0 })
    for (const [url, { body }] of Object.entries(probes)) for (const secret of SECRETS) expect(body, `${url} shows ${secret}`).not.toContain(secret)
  })

  it('needs no key', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz', headers: { authorization: 'Bearer wrong' } })
    expect(res.statusCode).toBe(200)
  })
})
